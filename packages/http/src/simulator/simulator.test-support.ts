// Helpers for the simulator's tests only (imports @fundi/core/testing): an app over the
// in-memory adapters with the simulator mounted, and a way to run the workers' one step.

import { layerMediaSourceSimulator } from "@fundi/adapters"
import { creditsPreset, deliverDueMessages, Notifier, processDueInbox } from "@fundi/core"
import { layerInMemory } from "@fundi/core/testing"
import { Effect, Layer, ManagedRuntime } from "effect"
import { makeApp } from "../app.ts"
import type { UnexpectedError } from "../error-response.ts"

export const SIMULATOR = {
  appSecret: "simulator-test-secret",
  verifyToken: "simulator-verify-token",
  simulator: true,
  phoneNumberId: "100000000000001",
} as const

/** A channel that takes every message at once and names it, as the Cloud API does. */
const layerNotifierAccepting = Layer.succeed(
  Notifier,
  Notifier.of({
    send: (message) => Effect.succeed({ providerMessageId: `wamid.OUT${message.id}` }),
  }),
)

export const makeSimulatorApp = (options: { readonly simulator?: boolean } = {}) => {
  // As `fundi serve` without Meta: photos the page uploads come back through its MediaSource.
  const runtime = ManagedRuntime.make(
    Layer.merge(
      Layer.provideMerge(layerMediaSourceSimulator, layerInMemory(creditsPreset)),
      layerNotifierAccepting,
    ),
  )
  const logged: Array<UnexpectedError> = []
  const app = makeApp({
    runtime,
    apiKey: undefined,
    logError: (e) => logged.push(e),
    whatsapp: { ...SIMULATOR, simulator: options.simulator ?? true },
  })
  /** What `fundi serve`'s inbox and outbox workers would do next: one step of each. */
  const work = () =>
    runtime.runPromise(
      Effect.gen(function* () {
        yield* processDueInbox({ batchSize: 100, leaseMs: 60_000 })
        yield* deliverDueMessages({ batchSize: 100, leaseMs: 60_000 })
      }),
    )
  return { app, runtime, logged, work, dispose: () => runtime.dispose() }
}
