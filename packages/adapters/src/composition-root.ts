import { existsSync } from "node:fs"
import {
  type BackgroundCheck,
  type ConversationStore,
  type DispatchServices,
  type Health,
  type Inbox,
  layerPolicy,
  type MediaSource,
  type Notifier,
  type ObjectStore,
  type PaymentGateway,
  PaymentSettings,
  type Policy,
  type SubscriptionServices,
  type VettingServices,
  type WalletServices,
} from "@fundi/core"
import { Layer as L, type Layer, ManagedRuntime, Redacted } from "effect"
import { Container } from "inversify"
import { layerBackgroundCheckManual } from "./background-check/background-check.manual.ts"
import { type FundiConfig, withPublicUrl } from "./config.ts"
import { type DatabaseHandle, openEmbeddedDatabase } from "./embedded/embedded-database.ts"
import {
  ensureGeneratedSecret,
  ensureLinkSecret,
  linkSecretFileFor,
  randomLinkSecret,
  secretFileFor,
} from "./links/link-secret.ts"
import type { LinkSigning } from "./links/secure-links.knex.ts"
import { layerNotifier, type NotifierOptions } from "./notifications/index.ts"
import {
  layerPaymentGatewayNotConfigured,
  layerPaymentGatewayPaystack,
} from "./payments/payment-gateway.paystack.ts"
import { makePaystackSimulator } from "./payments/paystack-simulator.ts"
import {
  isPgliteUrl,
  layerKnex,
  makeKnex,
  migrateLatest,
  type PolicyReplacement,
  pgliteDataDir,
  pinPolicy,
  pinPublicUrl,
  type RecordedPolicy,
} from "./postgres/index.ts"
import { layerObjectStoreLocal } from "./storage/index.ts"
import { layerMediaSourceGraph } from "./whatsapp/media-source.graph.ts"
import { layerMediaSourceSimulator } from "./whatsapp/media-source.simulator.ts"

export type { PolicyReplacement } from "./postgres/index.ts"

/** Every service the edges (http, cli) can run effects with. */
export type FundiServices =
  | VettingServices
  | WalletServices
  | DispatchServices
  | Health
  | Notifier
  | Inbox
  | ConversationStore
  | SubscriptionServices

/** The WhatsApp webhook's secrets as resolved at start-up (generated ones included). */
export interface WhatsAppWebhookSettings {
  readonly appSecret: string
  readonly verifyToken: string
  /** No access token: the local simulator stands in for Meta. */
  readonly simulator: boolean
  readonly phoneNumberId: string
}

export interface Fundi {
  /** As read, with the public URL settled with the database (`pinPublicUrl`). */
  readonly config: FundiConfig
  readonly runtime: ManagedRuntime.ManagedRuntime<FundiServices, never>
  /** Where the data lives, for people ("…/.fundi/db (embedded)"). */
  readonly database: string
  /** Migrations this open applied (empty when the schema was already current or migrate was off). */
  readonly migrationsApplied: ReadonlyArray<string>
  /** The policy the database's marketplace ran before this open (none on a new database). */
  readonly policyBefore: RecordedPolicy | undefined
  /** The server only: the public URL recorded before it started, when that was another one. */
  readonly publicUrlReplaced: string | undefined
  /**
   * The server only: it was given no FUNDI_PUBLIC_URL and kept the one recorded by an
   * earlier start (not a loopback URL), so its links do not turn into localhost ones.
   */
  readonly publicUrlKept: boolean
  /** Which notifier adapters are in use, for people. */
  readonly notifications: string
  /** For `makeApp({ whatsapp })`: the webhook's secrets, configured or generated. */
  readonly whatsapp: WhatsAppWebhookSettings
  /**
   * For `makeApp({ paystack })`: the key Paystack's webhooks are signed with, and in
   * simulator mode the simulator to mount at /dev/paystack. Undefined when payments are
   * not configured (a server database without PAYSTACK_SECRET_KEY): no webhook to accept.
   */
  readonly paystack: PaystackWebhookSettings | undefined
  /** Where payments go, for people (the startup banner). */
  readonly payments: string
  /** Closes the runtime and the pool or the embedded database; idempotent. */
  readonly close: () => Promise<void>
}

export interface OpenOptions {
  /**
   * `fundi serve`: it shares an embedded database with other processes (a CLI command does
   * not), and its public URL is the marketplace's, recorded for the others (`pinPublicUrl`).
   */
  readonly serve?: boolean
  /** Run pending migrations first (default true). */
  readonly migrate?: boolean
  /** Shown to other processes that find the embedded database in use. */
  readonly command?: string
  /** Connections in a server's pool (default 10); each concurrent client needs one. */
  readonly poolMax?: number
  /**
   * Make the configured policy the marketplace's (`fundi db policy --replace`), audited as
   * this operator's, with this reason; otherwise opening fails when the database's
   * marketplace runs another (`pinPolicy`).
   */
  readonly replacePolicy?: PolicyReplacement
  /**
   * Create the embedded database when its directory does not exist yet (default true). A
   * CLI command that works on an existing marketplace passes false: run from another
   * directory it is refused (`DatabaseMissing`) rather than handed a new, empty one.
   */
  readonly create?: boolean
}

/** The embedded database's directory does not exist, and this open may not create it. */
export class DatabaseMissing extends Error {
  readonly directory: string
  constructor(directory: string) {
    super(`there is no Fundi database in ${directory}`)
    this.name = "DatabaseMissing"
    this.directory = directory
  }
}

/** The database could not be opened or migrated at start-up. */
export class DatabaseUnreachable extends Error {
  constructor(database: string, cause: unknown) {
    super(
      `cannot open the database ${database}: ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        cause,
      },
    )
    this.name = "DatabaseUnreachable"
  }
}

/** What the HTTP app needs of Paystack (MakeAppOptions.paystack). */
export interface PaystackWebhookSettings {
  readonly secretKey: string
  /** Only in simulator mode: the local Paystack, a web-standard handler. */
  readonly simulator?: (request: Request) => Promise<Response>
}

/** The payment gateway as resolved at start-up. */
export interface PaymentsWiring {
  readonly gateway: Layer.Layer<PaymentGateway>
  readonly paystack: PaystackWebhookSettings | undefined
  readonly description: string
}

/** inversify service identifiers: configuration and infrastructure at the edge. */
export const Tokens = {
  Config: Symbol.for("fundi.Config"),
  Database: Symbol.for("fundi.Database"),
  NotifierLayer: Symbol.for("fundi.NotifierLayer"),
  BackgroundCheckLayer: Symbol.for("fundi.BackgroundCheckLayer"),
  ObjectStoreLayer: Symbol.for("fundi.ObjectStoreLayer"),
  LinkSigning: Symbol.for("fundi.LinkSigning"),
  WhatsAppWebhook: Symbol.for("fundi.WhatsAppWebhook"),
  MediaSourceLayer: Symbol.for("fundi.MediaSourceLayer"),
  Payments: Symbol.for("fundi.Payments"),
} as const

/** A phone number id for the simulator's payloads when none is configured. */
const SIMULATOR_PHONE_NUMBER_ID = "100000000000001"

/**
 * The webhook's app secret and verify token: configured, or on the embedded database kept
 * beside the data directory like the link secret (generated on first start, so the
 * simulator's page and Meta's dashboard see the same value after a restart), or a
 * throwaway one for `pglite://memory` and for a server without Meta credentials.
 */
const whatsappWebhookFor = (config: FundiConfig): WhatsAppWebhookSettings => {
  const url = config.databaseUrl
  const embeddedDir =
    isPgliteUrl(url) && pgliteDataDir(url) !== "memory" ? pgliteDataDir(url) : undefined
  const resolve = (
    configured: Redacted.Redacted<string> | undefined,
    file: string,
    variable: string,
  ): string =>
    configured !== undefined
      ? Redacted.value(configured)
      : embeddedDir === undefined
        ? randomLinkSecret()
        : ensureGeneratedSecret(secretFileFor(embeddedDir, file), {
            variable,
            consequence: "update it in the Meta app dashboard",
          })
  const wa = config.whatsapp
  return {
    appSecret: resolve(wa.appSecret, "whatsapp-app-secret", "WHATSAPP_APP_SECRET"),
    verifyToken: resolve(wa.verifyToken, "whatsapp-verify-token", "WHATSAPP_VERIFY_TOKEN"),
    simulator: wa.simulator,
    phoneNumberId: wa.phoneNumberId ?? SIMULATOR_PHONE_NUMBER_ID,
  }
}

/**
 * Paystack with the configured key; with none on the embedded database, the local
 * simulator with a key generated once and kept beside the data directory (a throwaway one
 * for `pglite://memory`). The real Paystack adapter talks to the simulator, through its
 * handler in this process rather than a socket: the server need not reach its own public
 * URL, and the adapter's requests, answers and errors are Paystack's all the same. The
 * simulator's webhook goes over HTTP to the public URL, signed, like Paystack's.
 */
export const paymentsFor = (config: FundiConfig): PaymentsWiring => {
  const payments = config.payments
  if (payments.mode === "not_configured") {
    return {
      gateway: layerPaymentGatewayNotConfigured,
      paystack: undefined,
      description: "not configured (set PAYSTACK_SECRET_KEY): payment links cannot be paid",
    }
  }
  if (payments.mode === "paystack" && payments.secretKey !== undefined) {
    return {
      gateway: layerPaymentGatewayPaystack({
        secretKey: payments.secretKey,
        baseUrl: payments.baseUrl,
      }),
      paystack: { secretKey: Redacted.value(payments.secretKey) },
      description: `Paystack (${payments.baseUrl}); webhook ${payments.webhookUrl}`,
    }
  }
  const url = config.databaseUrl
  const secretKey = `sk_test_${
    isPgliteUrl(url) && pgliteDataDir(url) !== "memory"
      ? ensureGeneratedSecret(secretFileFor(pgliteDataDir(url), "paystack-simulator-key"), {
          variable: "PAYSTACK_SECRET_KEY",
          consequence: "simulated checkouts already open stop verifying",
        })
      : randomLinkSecret()
  }`
  const simulator = makePaystackSimulator({
    secretKey,
    webhookUrl: payments.webhookUrl,
    basePath: new URL(payments.baseUrl).pathname,
  })
  return {
    gateway: layerPaymentGatewayPaystack({
      secretKey: Redacted.make(secretKey),
      baseUrl: payments.baseUrl,
      fetch: (input, init) => simulator.fetch(new Request(input, init)),
    }),
    paystack: { secretKey, simulator: simulator.fetch },
    description: `Paystack simulator at ${payments.baseUrl} (set PAYSTACK_SECRET_KEY for Paystack)`,
  }
}

/**
 * The configured link secret; on the embedded database without one, the secret kept beside
 * the data directory (generated on first start), or a throwaway one for `pglite://memory`.
 */
const linkSigningFor = (config: FundiConfig): LinkSigning => {
  const url = config.databaseUrl
  const secret =
    config.linkSecret ??
    Redacted.make(
      isPgliteUrl(url) && pgliteDataDir(url) !== "memory"
        ? ensureLinkSecret(linkSecretFileFor(pgliteDataDir(url)))
        : randomLinkSecret(),
    )
  return { secret, publicUrl: config.publicUrl }
}

const openDatabase = async (config: FundiConfig, options: OpenOptions): Promise<DatabaseHandle> => {
  const url = config.databaseUrl
  if (isPgliteUrl(url) && pgliteDataDir(url) !== "memory") {
    if (options.create === false && !existsSync(pgliteDataDir(url))) {
      throw new DatabaseMissing(pgliteDataDir(url))
    }
    return openEmbeddedDatabase(pgliteDataDir(url), {
      serve: options.serve ?? false,
      command: options.command ?? "fundi",
    })
  }
  const db = makeKnex(
    url,
    options.poolMax === undefined ? {} : { pool: { min: 0, max: options.poolMax } },
  )
  return { knex: db.knex, description: url.replace(/\/\/[^@/]*@/, "//***@"), close: db.close }
}

/** SMTP and the Cloud API when configured; the console stands in for each otherwise. */
const notifierOptionsFor = (config: FundiConfig): NotifierOptions => {
  const { smtp, whatsapp: wa } = config
  return {
    ...(smtp === undefined ? {} : { smtp: { url: smtp.url, from: smtp.from } }),
    ...(wa.accessToken === undefined || wa.phoneNumberId === undefined
      ? {}
      : {
          whatsapp: {
            accessToken: wa.accessToken,
            phoneNumberId: wa.phoneNumberId,
            graphUrl: wa.graphUrl,
            messagesPerSecond: wa.messagesPerSecond,
          },
        }),
  }
}

/** Where each channel's messages go, for the startup banner (no secrets). */
const describeNotifications = (config: FundiConfig): string => {
  const whatsapp = notifierOptionsFor(config).whatsapp !== undefined
  if (config.smtp === undefined && !whatsapp) return "console (all channels)"
  return [
    config.smtp === undefined
      ? "email to the console"
      : `email via ${config.smtp.url.replace(/\/\/[^@/]*@/, "//***@")}`,
    whatsapp
      ? `whatsapp via the Cloud API (${config.whatsapp.graphUrl}, ${config.whatsapp.messagesPerSecond}/s)`
      : "whatsapp to the console",
    "sms to the console",
  ].join("; ")
}

/**
 * The composition root: inversify binds configuration and picks each port's adapter; one
 * Effect Layer is built from the container and run by one ManagedRuntime.
 */
export const makeContainer = (config: FundiConfig, options: OpenOptions): Container => {
  const container = new Container({ defaultScope: "Singleton" })
  container.bind<FundiConfig>(Tokens.Config).toConstantValue(config)
  container
    .bind<DatabaseHandle>(Tokens.Database)
    .toResolvedValue(async (c: FundiConfig) => openDatabase(c, options), [Tokens.Config])
    .onDeactivation((db) => db.close())
  container
    .bind<Layer.Layer<Notifier>>(Tokens.NotifierLayer)
    .toResolvedValue((c: FundiConfig) => layerNotifier(notifierOptionsFor(c)), [Tokens.Config])
  container
    .bind<Layer.Layer<BackgroundCheck>>(Tokens.BackgroundCheckLayer)
    .toConstantValue(layerBackgroundCheckManual)
  container
    .bind<Layer.Layer<ObjectStore>>(Tokens.ObjectStoreLayer)
    .toResolvedValue((c: FundiConfig) => layerObjectStoreLocal(c.filesDir), [Tokens.Config])
  container.bind<LinkSigning>(Tokens.LinkSigning).toResolvedValue(linkSigningFor, [Tokens.Config])
  container
    .bind<WhatsAppWebhookSettings>(Tokens.WhatsAppWebhook)
    .toResolvedValue(whatsappWebhookFor, [Tokens.Config])
  // Inbound photos and documents come from the Graph API; with no access token there is
  // no Meta to fetch from, and the simulator page (/dev/whatsapp) uploads its files into
  // the ObjectStore itself, where its MediaSource reads them back.
  container
    .bind<Layer.Layer<MediaSource> | Layer.Layer<never>>(Tokens.MediaSourceLayer)
    .toResolvedValue(
      (c: FundiConfig, objects: Layer.Layer<ObjectStore>) =>
        c.whatsapp.accessToken === undefined
          ? layerMediaSourceSimulator.pipe(L.provide(objects))
          : layerMediaSourceGraph({
              graphUrl: c.whatsapp.graphUrl,
              accessToken: c.whatsapp.accessToken,
            }),
      [Tokens.Config, Tokens.ObjectStoreLayer],
    )
  container.bind<PaymentsWiring>(Tokens.Payments).toResolvedValue(paymentsFor, [Tokens.Config])
  return container
}

export const openFundi = async (
  configured: FundiConfig,
  options: OpenOptions = {},
): Promise<Fundi> => {
  const container = makeContainer(configured, options)
  const db = await container.getAsync<DatabaseHandle>(Tokens.Database)
  try {
    let migrationsApplied: ReadonlyArray<string> = []
    try {
      if (options.migrate ?? true) migrationsApplied = await migrateLatest(db.knex)
      else await db.knex.raw("select 1")
    } catch (e) {
      throw new DatabaseUnreachable(db.description, e)
    }
    // Every process on the database runs the marketplace's one policy (a ConfigError if not).
    const policyBefore = await pinPolicy(
      db.knex,
      configured.policy,
      options.replacePolicy === undefined ? {} : { replace: options.replacePolicy },
    )
    // Links, payment pages and webhooks point at the server's public URL, whichever process
    // issues them (a ConfigError if this one was given another). Only the database has been
    // resolved from the container yet: everything else gets the settled configuration.
    const publicUrl = await pinPublicUrl(db.knex, {
      url: configured.publicUrl,
      set: configured.publicUrlSet,
      server: options.serve === true,
    })
    const config = withPublicUrl(configured, publicUrl.url)
    container.rebind<FundiConfig>(Tokens.Config).toConstantValue(config)
    const payments = container.get<PaymentsWiring>(Tokens.Payments)
    const layer = L.mergeAll(
      layerKnex(db.knex, { links: container.get<LinkSigning>(Tokens.LinkSigning) }),
      payments.gateway,
      L.succeed(PaymentSettings, {
        publicUrl: config.publicUrl,
        payerEmailDomain: config.payments.payerEmailDomain,
      }),
      layerPolicy(config.policy) as Layer.Layer<Policy>,
      container.get<Layer.Layer<Notifier>>(Tokens.NotifierLayer),
      container.get<Layer.Layer<BackgroundCheck>>(Tokens.BackgroundCheckLayer),
      container.get<Layer.Layer<ObjectStore>>(Tokens.ObjectStoreLayer),
      container.get<Layer.Layer<MediaSource> | Layer.Layer<never>>(Tokens.MediaSourceLayer),
    )
    const runtime = ManagedRuntime.make(layer) as ManagedRuntime.ManagedRuntime<
      FundiServices,
      never
    >
    let closed: Promise<void> | undefined
    return {
      config,
      runtime,
      database: db.description,
      migrationsApplied,
      policyBefore,
      publicUrlReplaced: publicUrl.replaced,
      publicUrlKept: publicUrl.keptRecorded === true,
      whatsapp: container.get<WhatsAppWebhookSettings>(Tokens.WhatsAppWebhook),
      paystack: payments.paystack,
      payments: payments.description,
      notifications: describeNotifications(config),
      close: () => {
        closed ??= runtime.dispose().finally(() => container.unbindAllAsync())
        return closed
      },
    }
  } catch (e) {
    await container.unbindAllAsync()
    throw e
  }
}

/** The API key as text, for the HTTP layer. */
export const apiKeyOf = (config: FundiConfig): string | undefined =>
  config.apiKey === undefined ? undefined : Redacted.value(config.apiKey)
