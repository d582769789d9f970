import type { Fundi, FundiConfig } from "@fundi/adapters"
import { samplePdf } from "@fundi/adapters/testing"
import {
  approveApplication,
  createTopUp,
  creditsPreset,
  type MarketplacePolicy,
  Notifier,
  type OutboxMessage,
  type PartyId,
  recordBackgroundCheck,
  recordConsultationPayout,
  requestBackgroundCheck,
  signUp,
  startReview,
  submitApplication,
  submitTopUpProof,
  type TopUp,
  type TopUpMethod,
} from "@fundi/core"
import { InMemoryStore, layerInMemory } from "@fundi/core/testing"
import { Effect, Layer, ManagedRuntime } from "effect"
import { run } from "../run.ts"
import type { Open } from "../session.ts"

/** Delivery is the outbox worker's business, not the CLI's: messages are only collected. */
const layerNotifierCollecting = (sent: Array<OutboxMessage>): Layer.Layer<Notifier> =>
  Layer.succeed(
    Notifier,
    Notifier.of({
      send: (message) =>
        Effect.sync(() => {
          sent.push(message)
          return {}
        }),
    }),
  )

export interface CliResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

export interface HarnessOptions {
  readonly policy?: MarketplacePolicy
  /** Replaces ports of the in-memory layer (e.g. a repository that dies). */
  readonly override?: Layer.Layer<never>
}

/**
 * Runs `fundi` command lines in-process against the real use cases over the in-memory
 * adapters. One runtime (one store) lives across `cli` calls, the way one database lives
 * across CLI invocations; each call still goes through `run` and closes its session.
 */
export const makeHarness = (options: HarnessOptions = {}) => {
  const base = Layer.merge(
    layerInMemory(options.policy ?? creditsPreset),
    layerNotifierCollecting([]),
  )
  const layer = options.override === undefined ? base : Layer.merge(base, options.override)
  const runtime = ManagedRuntime.make(layer)
  let opened = 0
  let closed = 0
  const configs: Array<FundiConfig> = []

  const open: Open = async (config) => {
    opened++
    configs.push(config)
    const fundi: Fundi = {
      config,
      runtime,
      database: "in-memory (test)",
      migrationsApplied: [],
      policyBefore: undefined,
      publicUrlReplaced: undefined,
      publicUrlKept: false,
      notifications: "collected (test)",
      whatsapp: {
        appSecret: "harness-whatsapp-app-secret",
        verifyToken: "harness-whatsapp-verify-token",
        simulator: config.whatsapp.simulator,
        phoneNumberId: config.whatsapp.phoneNumberId ?? "100000000000001",
      },
      paystack: undefined,
      payments: "in-memory gateway (test)",
      close: async () => {
        closed++
      },
    }
    return fundi
  }

  const cli = async (
    args: ReadonlyArray<string>,
    env: Record<string, string | undefined> = {},
  ): Promise<CliResult> => {
    let stdout = ""
    let stderr = ""
    const code = await run(
      args,
      {
        stdout: { write: (text: string) => (stdout += text) },
        stderr: { write: (text: string) => (stderr += text) },
        env,
      },
      open,
    )
    return { code, stdout, stderr }
  }

  /** Sets the scene through the use cases directly, as a channel (WhatsApp, API) would. */
  const applicant = async (
    phone: string,
    name: string,
    kind: "provider" | "customer" = "provider",
  ): Promise<{ readonly partyId: PartyId; readonly applicationId: string }> =>
    runtime.runPromise(
      Effect.gen(function* () {
        const party = yield* signUp({
          kind,
          phone,
          channel: "whatsapp",
          profile: {
            displayName: name,
            email: "someone@example.com",
            categories: ["plumbing"],
            serviceAreas: ["soweto"],
            experienceYears: 6,
            bio: "Geysers, leaks, drains.",
            documents: ["id.pdf", "certificate.pdf"],
            availability: "weekdays",
          },
        })
        const application = yield* submitApplication({ partyId: party.id })
        return { partyId: party.id, applicationId: application.id }
      }),
    )

  /** A homeowner, signed up (this marketplace does not vet them). */
  const customer = async (phone: string): Promise<PartyId> =>
    (await runtime.runPromise(signUp({ kind: "customer", phone, channel: "whatsapp" }))).id

  /** An approved, active provider, vetted through the use cases by "setup". */
  const provider = async (phone: string, name: string) => {
    const { partyId, applicationId } = await applicant(phone, name)
    const by = { applicationId, operator: "setup", reason: "test scene" }
    await runtime.runPromise(
      Effect.gen(function* () {
        yield* startReview(by)
        yield* requestBackgroundCheck(by)
        yield* recordBackgroundCheck({ ...by, result: "passed" })
        yield* approveApplication(by)
      }),
    )
    return partyId
  }

  /** A provider's top-up intent, with its proof of payment sent unless `proof` is null. */
  const topUp = (
    partyId: PartyId,
    credits: number,
    options: { readonly proof?: Uint8Array | null; readonly method?: TopUpMethod } = {},
  ): Promise<TopUp> =>
    runtime.runPromise(
      Effect.gen(function* () {
        const created = yield* createTopUp({
          partyId,
          credits,
          method: options.method ?? "eft_proof",
        })
        if (options.proof === null) return created
        return yield* submitTopUpProof({
          topUpId: created.id,
          partyId,
          bytes: options.proof ?? samplePdf(`paid ${credits} credits`),
        })
      }),
    )

  /** A virtual consultation paid into the provider's earnings wallet (less the platform fee). */
  const earn = (partyId: PartyId, grossMinor: bigint, consultationId: string) =>
    runtime.runPromise(recordConsultationPayout({ partyId, consultationId, grossMinor }))

  const setOffline = (offline: boolean) =>
    runtime.runPromise(InMemoryStore.use((store) => store.setOffline(offline)))

  return {
    cli,
    open,
    applicant,
    provider,
    customer,
    topUp,
    earn,
    setOffline,
    runtime,
    configs,
    get opened() {
      return opened
    },
    get closed() {
      return closed
    },
    dispose: () => runtime.dispose(),
  }
}

export type Harness = ReturnType<typeof makeHarness>

/** Parses a command's --json output; fails the test with the output when it is not JSON. */
export const json = <A = Record<string, unknown>>(result: CliResult): A => {
  try {
    return JSON.parse(result.stdout) as A
  } catch {
    throw new Error(`not JSON (exit ${result.code}):\n${result.stdout}\nstderr:\n${result.stderr}`)
  }
}
