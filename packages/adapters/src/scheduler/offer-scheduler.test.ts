import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import {
  creditsPreset,
  dispatchRequest,
  type ExpiryRun,
  type MarketplacePolicy,
  type Offer,
  OfferRepository,
  PersistenceUnavailable,
} from "@fundi/core"
import { homeowner, layerInMemory, readyRequest, vettedProvider } from "@fundi/core/testing"
import { Effect, Layer, ManagedRuntime } from "effect"
import { describe, expect, it } from "vitest"
import { openFundi } from "../composition-root.ts"
import { loadConfig } from "../config.ts"
import { startOfferScheduler } from "./offer-scheduler.ts"
import { stoppedAt } from "./stopped-clock.ts"

const sequential: MarketplacePolicy = {
  ...creditsPreset,
  dispatch: { ...creditsPreset.dispatch, strategy: "sequential" },
}

const listOffers = (requestId: Offer["requestId"]) =>
  Effect.gen(function* () {
    return yield* (yield* OfferRepository).listForRequest(requestId)
  })

describe("startOfferScheduler", () => {
  it("survives a restart: offers made before it expire after it, and dispatch moves on", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "fundi-scheduler-")), "db")
    const config = { ...loadConfig({ FUNDI_DATABASE_URL: `pglite://${dir}` }), policy: sequential }

    const before = await openFundi(config, { command: "test" })
    let first: Offer
    try {
      first = await before.runtime.runPromise(
        Effect.gen(function* () {
          const customer = yield* homeowner()
          yield* vettedProvider(1)
          yield* vettedProvider(2)
          const request = yield* readyRequest(customer.id)
          return (yield* dispatchRequest({ requestId: request.id })).offered[0]!
        }),
      )
    } finally {
      await before.close()
    }

    const after = await openFundi(config, { command: "test" })
    try {
      // Just before the deadline nothing is due; at the deadline the offer expires.
      const runs: Array<ExpiryRun> = []
      const early = await new Promise<ExpiryRun>((resolve) => {
        const scheduler = startOfferScheduler({
          runtime: after.runtime,
          pollMs: 3_600_000,
          clock: stoppedAt(first.expiresAt - 1),
          onRun: (run) => {
            void scheduler.stop().then(() => resolve(run))
          },
        })
      })
      expect(early.due).toBe(0)
      expect(
        (await after.runtime.runPromise(listOffers(first.requestId))).map((o) => o.state),
      ).toEqual(["offered"])

      await new Promise<void>((resolve) => {
        const scheduler = startOfferScheduler({
          runtime: after.runtime,
          pollMs: 3_600_000,
          clock: stoppedAt(first.expiresAt),
          onRun: (run) => {
            runs.push(run)
            void scheduler.stop().then(() => resolve())
          },
        })
      })
      expect(runs[0]!.expired.map((e) => e.offer.id)).toEqual([first.id])
      const offers = await after.runtime.runPromise(listOffers(first.requestId))
      expect(offers.map((o) => [o.providerId === first.providerId, o.state])).toEqual([
        [true, "expired"],
        [false, "offered"],
      ])
    } finally {
      await after.close()
    }
  })

  it("logs a failed run and keeps going: the next poll expires what is due", async () => {
    let calls = 0
    // The first look at the database fails, as when the server restarts under us.
    const flaky = Layer.effect(
      OfferRepository,
      Effect.gen(function* () {
        const repo = yield* OfferRepository
        return OfferRepository.of({
          ...repo,
          listDue: (at, limit) =>
            ++calls === 1
              ? Effect.fail(
                  new PersistenceUnavailable({ detail: "offers.listDue: connection reset" }),
                )
              : repo.listDue(at, limit),
        })
      }),
    ).pipe(Layer.provideMerge(layerInMemory(sequential)))
    const runtime = ManagedRuntime.make(flaky)
    try {
      const first = await runtime.runPromise(
        Effect.gen(function* () {
          const customer = yield* homeowner()
          yield* vettedProvider(1)
          const request = yield* readyRequest(customer.id)
          return (yield* dispatchRequest({ requestId: request.id })).offered[0]!
        }),
      )
      const run = await new Promise<ExpiryRun>((resolve) => {
        const scheduler = startOfferScheduler({
          runtime,
          pollMs: 1,
          clock: stoppedAt(first.expiresAt),
          onRun: (done) => {
            void scheduler.stop().then(() => resolve(done))
          },
        })
      })
      expect(calls).toBe(2)
      expect(run.expired.map((e) => e.offer.id)).toEqual([first.id])
    } finally {
      await runtime.dispose()
    }
  })
})
