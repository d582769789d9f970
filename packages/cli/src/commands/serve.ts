import {
  type Fundi,
  startInboxWorker,
  startOfferScheduler,
  startOutboxWorker,
  startPaymentEventsWorker,
  startSubscriptionScheduler,
} from "@fundi/adapters"
import { Health } from "@fundi/core"
import { startServer } from "@fundi/http"
import type { Command } from "commander"
import { writeFields, writeJson } from "../output.ts"
import type { Session } from "../session.ts"
import { type JsonOptions, withJson } from "./common.ts"

/** What `serve` starts; injectable so a test can run it without real signals. */
export interface ServeDeps {
  readonly startServer: (
    fundi: Fundi,
    options: { readonly port: number },
  ) => Promise<{ readonly url: string; readonly close: () => Promise<void> }>
  readonly startOutboxWorker: (fundi: Fundi) => { readonly stop: () => Promise<void> }
  /** The offer scheduler: time-to-live, unlock hold and proposed-time expiries. */
  readonly startOfferScheduler: (fundi: Fundi) => { readonly stop: () => Promise<void> }
  /** The WhatsApp inbox worker; the default one when absent. */
  readonly startInboxWorker?: (fundi: Fundi) => { readonly stop: () => Promise<void> }
  /** The payment gateway's webhook events (charge.success -> confirmPayment); the default when absent. */
  readonly startPaymentEventsWorker?: (fundi: Fundi) => { readonly stop: () => Promise<void> }
  /** Subscription renewals and expiries; the default when absent. */
  readonly startSubscriptionScheduler?: (fundi: Fundi) => { readonly stop: () => Promise<void> }
  /** Resolves with the signal's name when the process is asked to stop. */
  readonly shutdownSignal: () => Promise<string>
}

/** SIGINT (Ctrl-C) and SIGTERM (supervisors) both stop the server cleanly. */
export const processShutdownSignal = (): Promise<string> =>
  new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off("SIGINT", stop)
      process.off("SIGTERM", stop)
      resolve(signal)
    }
    process.on("SIGINT", stop)
    process.on("SIGTERM", stop)
  })

/**
 * Outbox batches: 50 messages per claim keeps one run short; a claim is held for a minute,
 * far longer than a send takes, so only a crashed worker's messages are ever taken over.
 */
const OUTBOX_BATCH_SIZE = 50
const OUTBOX_LEASE_MS = 60_000

/**
 * Inbox runs: a claim takes one message per phone, so a batch is as many people as there
 * are; a lease of two minutes outlasts a media download and a conversation step.
 */
const INBOX_BATCH_SIZE = 50
const INBOX_LEASE_MS = 120_000

export const defaultServeDeps: ServeDeps = {
  startServer: (fundi, options) =>
    startServer(
      {
        runtime: fundi.runtime,
        apiKey: fundi.config.apiKey,
        publicUrl: fundi.config.publicUrl,
        whatsapp: fundi.whatsapp,
        paystack: fundi.paystack,
      },
      options,
    ),
  startOutboxWorker: (fundi) =>
    startOutboxWorker(fundi.runtime, {
      pollMs: fundi.config.outboxPollMs,
      batchSize: OUTBOX_BATCH_SIZE,
      leaseMs: OUTBOX_LEASE_MS,
    }),
  startOfferScheduler: (fundi) =>
    startOfferScheduler({ runtime: fundi.runtime, pollMs: fundi.config.schedulerPollMs }),
  // Webhook deliveries are answered the moment they are recorded; the conversation waits
  // for this poll, so it is the outbox's (FUNDI_OUTBOX_POLL_MS): one knob for chat latency.
  startInboxWorker: (fundi) =>
    startInboxWorker(fundi.runtime, {
      pollMs: fundi.config.outboxPollMs,
      batchSize: INBOX_BATCH_SIZE,
      leaseMs: INBOX_LEASE_MS,
    }),
  // A paid homeowner waits for this poll to hear the plan is active: the chat's knob too.
  startPaymentEventsWorker: (fundi) =>
    startPaymentEventsWorker({ runtime: fundi.runtime, pollMs: fundi.config.outboxPollMs }),
  startSubscriptionScheduler: (fundi) =>
    startSubscriptionScheduler({ runtime: fundi.runtime, pollMs: fundi.config.schedulerPollMs }),
  shutdownSignal: processShutdownSignal,
}

/**
 * Runs the HTTP server, the outbox worker and the offer scheduler until SIGINT or SIGTERM,
 * then stops taking requests, lets the scheduler and the worker finish their runs, and
 * closes the database (in that order, so nothing in flight loses its connection).
 */
export const serve = async (
  session: Session,
  options: JsonOptions,
  deps: ServeDeps = defaultServeDeps,
): Promise<void> => {
  const out = session.io.stdout
  // Ask for the signal first: a Ctrl-C during start-up still shuts down cleanly.
  const stopping = deps.shutdownSignal()
  const fundi = await session.fundi({ serve: true, migrate: true, create: true })
  await session.execute(Health.use((health) => health.checkDatabase))
  const worker = deps.startOutboxWorker(fundi)
  const inbox = (deps.startInboxWorker ?? defaultServeDeps.startInboxWorker)?.(fundi)
  const scheduler = deps.startOfferScheduler(fundi)
  const paymentEvents = (
    deps.startPaymentEventsWorker ?? defaultServeDeps.startPaymentEventsWorker
  )?.(fundi)
  const subscriptions = (
    deps.startSubscriptionScheduler ?? defaultServeDeps.startSubscriptionScheduler
  )?.(fundi)
  let server: Awaited<ReturnType<ServeDeps["startServer"]>>
  try {
    server = await deps.startServer(fundi, { port: fundi.config.port })
  } catch (e) {
    await subscriptions?.stop()
    await paymentEvents?.stop()
    await scheduler.stop()
    await inbox?.stop()
    await worker.stop()
    throw e
  }
  const policy = fundi.config.policy
  const replaced = fundi.publicUrlReplaced
  const configured = {
    url: server.url,
    // What links point at, recorded for every other process on the database.
    publicUrl: fundi.config.publicUrl,
    publicUrlReplaced: replaced ?? null,
    publicUrlKept: fundi.publicUrlKept,
    database: fundi.database,
    policy: `${policy.name} (${policy.model})`,
    notifications: fundi.notifications,
    api: fundi.config.apiKey === undefined ? "disabled (set FUNDI_API_KEY)" : "enabled",
    whatsapp: fundi.whatsapp.simulator
      ? `simulator at ${server.url}/dev/whatsapp (set WHATSAPP_ACCESS_TOKEN for Meta)`
      : "Cloud API",
    payments: fundi.payments,
  }
  if (options.json) {
    writeJson(out, configured)
  } else {
    out.write(`Fundi is listening on ${server.url}\n`)
    writeFields(
      out,
      [
        [
          "public URL",
          replaced !== undefined
            ? `${configured.publicUrl} (changed from ${replaced}: links sent before point there)`
            : fundi.publicUrlKept
              ? `${configured.publicUrl} (recorded by an earlier start; FUNDI_PUBLIC_URL is not set here)`
              : configured.publicUrl,
        ],
        ["database", configured.database],
        ["policy", configured.policy],
        ["notifications", configured.notifications],
        ["JSON API", configured.api],
        ["WhatsApp", configured.whatsapp],
        ["payments", configured.payments],
      ],
      "  ",
    )
    out.write("press Ctrl-C to stop\n")
  }
  const signal = await stopping
  session.io.stderr.write(`${signal}: shutting down\n`)
  await server.close()
  // The schedulers and the inboxes first: their last runs may enqueue messages the worker
  // then still sends.
  await subscriptions?.stop()
  await paymentEvents?.stop()
  await scheduler.stop()
  await inbox?.stop()
  await worker.stop()
  // The session closes the database when `run` returns.
}

export const registerServe = (program: Command, session: Session): void => {
  withJson(program.command("serve"))
    .description(
      "run the HTTP server, the notification worker and the offer scheduler (configured from the environment)",
    )
    .action(async (options: JsonOptions) => {
      await serve(session, options)
    })
}
