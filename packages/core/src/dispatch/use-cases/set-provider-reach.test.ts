import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fc from "fast-check"
import { AuditLog } from "../../audit/ports/audit-log.ts"
import { layerInMemory } from "../../vetting/testing/layer-in-memory.ts"
import { defaultReach } from "../domain/provider-reach.ts"
import { homeowner, readyRequest, vettedProvider } from "../testing/offer-fixtures.ts"
import { dispatchRequest } from "./dispatch-request.ts"
import { getProviderReach, maxRadiusKm, setProviderReach } from "./set-provider-reach.ts"

const inMemory = Effect.provide(layerInMemory())
const by = { operator: "thandi", reason: "provider called in their hours" }

describe("setProviderReach", () => {
  it.effect("stores the reach, reads it back, and audits before and after", () =>
    Effect.gen(function* () {
      const provider = yield* vettedProvider(1)
      expect(yield* getProviderReach(provider.id)).toEqual({
        reach: defaultReach(provider.id),
        published: false,
      })
      const reach = yield* setProviderReach({
        providerId: provider.id,
        base: { point: { lat: -26.2, lng: 28.05 }, radiusKm: 15 },
        availability: { _tag: "always" },
        maxOpenAssignments: 4,
        ...by,
      })
      expect(yield* getProviderReach(provider.id)).toEqual({ reach, published: true })
      const [entry] = yield* (yield* AuditLog).list({ subjectId: provider.id })
      expect(entry).toMatchObject({
        action: "provider.reach",
        reason: by.reason,
        details: { before: null, after: reach },
      })
    }).pipe(inMemory),
  )

  it.effect("a provider with no matching window is not offered a `now` request", () =>
    Effect.gen(function* () {
      const customer = yield* homeowner()
      const away = yield* vettedProvider(1)
      const here = yield* vettedProvider(2)
      yield* setProviderReach({
        providerId: away.id,
        availability: { _tag: "windows", windows: [{ start: 1, end: 2 }] },
        maxOpenAssignments: 3,
        ...by,
      })
      const request = yield* readyRequest(customer.id)
      const step = yield* dispatchRequest({ requestId: request.id, operator: "thandi" })
      expect(step.offered.map((o) => o.providerId)).toEqual([here.id])
    }).pipe(inMemory),
  )

  it.effect("refuses customers and unknown parties by name", () =>
    Effect.gen(function* () {
      const customer = yield* homeowner()
      const input = { availability: { _tag: "always" }, maxOpenAssignments: 2, ...by }
      const notProvider = yield* Effect.flip(
        setProviderReach({ ...input, providerId: customer.id }),
      )
      expect(notProvider._tag).toBe("NotAProvider")
      const missing = yield* Effect.flip(
        setProviderReach({ ...input, providerId: "pty_00000000000000000000" }),
      )
      expect(missing._tag).toBe("PartyNotFound")
    }).pipe(inMemory),
  )

  it("bad input is InvalidInput naming the field, never stored", async () => {
    const bad = fc.oneof(
      fc.record({
        field: fc.constant("base.radiusKm"),
        value: fc.oneof(
          fc.double({ min: maxRadiusKm + 1, max: 1e6, noNaN: true }),
          fc.double({ min: -1e6, max: -0.001, noNaN: true }),
        ),
      }),
      fc.record({
        field: fc.constant("maxOpenAssignments"),
        value: fc.oneof(
          fc.integer({ min: -5, max: 0 }),
          fc.integer({ min: 51, max: 1000 }),
          fc.double({ min: 1.1, max: 1.9, noNaN: true }),
        ),
      }),
      fc.record({
        field: fc.constant("availability.windows[0]"),
        value: fc.integer({ min: 0, max: 1e9 }),
      }),
    )
    await fc.assert(
      fc.asyncProperty(bad, ({ field, value }) =>
        Effect.runPromise(
          Effect.gen(function* () {
            const provider = yield* vettedProvider(1)
            const input = {
              providerId: provider.id,
              base: {
                point: { lat: -26.2, lng: 28.05 },
                radiusKm: field === "base.radiusKm" ? value : 10,
              },
              availability:
                field === "availability.windows[0]"
                  ? { _tag: "windows", windows: [{ start: value + 10, end: value }] }
                  : { _tag: "always" },
              maxOpenAssignments: field === "maxOpenAssignments" ? value : 3,
              ...by,
            }
            const error = yield* Effect.flip(setProviderReach(input))
            expect(error._tag).toBe("InvalidInput")
            if (error._tag === "InvalidInput") {
              expect(error.issues.map((i) => i.path)).toContain(field)
            }
            expect((yield* getProviderReach(provider.id)).published).toBe(false)
          }).pipe(inMemory),
        ),
      ),
      { numRuns: 30 },
    )
  })
})
