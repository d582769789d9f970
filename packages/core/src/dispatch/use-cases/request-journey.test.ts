import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { AuditLog } from "../../audit/ports/audit-log.ts"
import { Outbox } from "../../notifications/ports/outbox.ts"
import { DAY_MS } from "../../shared/time.ts"
import { layerInMemory } from "../../vetting/testing/layer-in-memory.ts"
import { signUp } from "../../vetting/use-cases/sign-up.ts"
import { suspendParty } from "../../vetting/use-cases/suspend-party.ts"
import { answerClarification } from "./answer-clarification.ts"
import { askClarification } from "./ask-clarification.ts"
import { cancelRequest } from "./cancel-request.ts"
import { markReady } from "./mark-ready.ts"
import { getRequest, listClarifications, listRequests } from "./queries.ts"
import { submitRequest } from "./submit-request.ts"

const homeowner = (phone = "+27821110000", cohort: "live" | "test" = "live") =>
  signUp({
    kind: "customer",
    phone,
    cohort,
    channel: "whatsapp",
    profile: { displayName: "Lerato", email: "lerato@example.com" },
  })

const geyser = (customerId: string) => ({
  customerId,
  category: "plumbing",
  description: "The geyser is leaking through the ceiling",
  location: { area: "soweto", street: "12 Vilakazi St" },
  mode: "in_person",
  urgency: "urgent",
  availability: [{ start: DAY_MS, end: "1970-01-02T12:00:00Z" }],
  photos: ["photos/2026/03/ceiling.jpg"],
})

const actions = (subjectId: string) =>
  Effect.gen(function* () {
    return (yield* (yield* AuditLog).list({ subjectId })).map((e) => e.action).reverse()
  })

const templates = (partyId: string) =>
  Effect.gen(function* () {
    const messages = yield* (yield* Outbox).list({ partyId })
    return messages.map((m) => `${m.channel}:${m.template}`).sort()
  })

const inMemory = Effect.provide(layerInMemory())

describe("a request through ops review", () => {
  it.effect("submit, clarify (the homeowner is asked), answer, mark ready", () =>
    Effect.gen(function* () {
      const customer = yield* homeowner()
      yield* TestClock.adjust(1000)
      const submitted = yield* submitRequest(geyser(customer.id))
      expect(submitted).toMatchObject({
        customerId: customer.id,
        state: "submitted",
        cohort: "live",
        channel: "whatsapp",
        availability: { _tag: "windows", windows: [{ start: DAY_MS, end: DAY_MS * 1.5 }] },
        photos: ["photos/2026/03/ceiling.jpg"],
        createdAt: 1000,
      })
      expect(submitted.id).toMatch(/^req_/)
      expect(yield* listRequests({ states: ["submitted"] })).toEqual([submitted])

      const asked = yield* askClarification({
        requestId: submitted.id,
        operator: "thandi",
        question: "Is the water still running?",
      })
      expect(asked).toMatchObject({
        state: "needs_clarification",
        clarificationQuestion: "Is the water still running?",
      })
      expect(yield* templates(customer.id)).toEqual([
        "email:request.clarification",
        "whatsapp:request.clarification",
      ])
      const message = (yield* (yield* Outbox).list({ partyId: customer.id }))[0]!
      expect(message.body).toContain("Is the water still running?")

      const answered = yield* answerClarification({
        requestId: submitted.id,
        customerId: customer.id,
        text: "Yes, I closed the main valve",
      })
      expect(answered.state).toBe("submitted")
      expect(answered.clarificationQuestion).toBeUndefined()

      const ready = yield* markReady({ requestId: submitted.id, operator: "thandi" })
      expect(ready.state).toBe("ready")
      expect(yield* getRequest({ requestId: submitted.id })).toEqual(ready)
      expect(yield* actions(submitted.id)).toEqual([
        "request.submit",
        "request.clarify",
        "request.answer",
        "request.ready",
      ])
    }).pipe(inMemory),
  )

  it.effect(
    "ops release a request whose question waits (answered by phone): ready, the question closed by ops, audited",
    () =>
      Effect.gen(function* () {
        const customer = yield* homeowner()
        const request = yield* submitRequest(geyser(customer.id))
        yield* askClarification({ requestId: request.id, operator: "thandi", question: "Gas?" })
        const ready = yield* markReady({
          requestId: request.id,
          operator: "sipho",
          reason: "she phoned: electric",
        })
        expect(ready.state).toBe("ready")
        expect(ready.clarificationQuestion).toBeUndefined()
        const stored = yield* getRequest({ requestId: request.id })
        expect(stored.clarificationQuestion).toBeUndefined()
        const log = yield* listClarifications({ requestId: request.id })
        expect(log.map((e) => [e.kind, e.by, e.text])).toEqual([
          ["question", "thandi", "Gas?"],
          ["closed", "sipho", "she phoned: electric"],
        ])
        const entry = (yield* (yield* AuditLog).list({ subjectId: request.id })).find(
          (e) => e.action === "request.ready",
        )
        expect(entry).toMatchObject({
          reason: "she phoned: electric",
          actor: { _tag: "operator", name: "sipho" },
          details: { from: "needs_clarification", to: "ready", closedQuestion: "Gas?" },
        })
      }).pipe(inMemory),
  )

  it.effect("ops cancel with a reason the homeowner is told; a cancelled request is final", () =>
    Effect.gen(function* () {
      const customer = yield* homeowner()
      const request = yield* submitRequest(geyser(customer.id))
      const cancelled = yield* cancelRequest({
        requestId: request.id,
        operator: "sipho",
        reason: "duplicate of an earlier request",
      })
      expect(cancelled).toMatchObject({
        state: "cancelled",
        cancellationReason: "duplicate of an earlier request",
      })
      const bodies = (yield* (yield* Outbox).list({ partyId: customer.id })).map((m) => m.body)
      expect(bodies.every((b) => b.includes("duplicate of an earlier request"))).toBe(true)
      const again = yield* Effect.flip(markReady({ requestId: request.id, operator: "sipho" }))
      expect(again).toMatchObject({
        _tag: "TransitionNotAllowed",
        entity: "request",
        from: "cancelled",
        allowedFrom: ["submitted", "needs_clarification"],
      })
    }).pipe(inMemory),
  )

  it.effect("only the homeowner who made a request answers or cancels it as a homeowner", () =>
    Effect.gen(function* () {
      const owner = yield* homeowner()
      const other = yield* homeowner("+27821110001")
      const request = yield* submitRequest(geyser(owner.id))
      yield* askClarification({ requestId: request.id, operator: "thandi", question: "Where?" })
      const answer = yield* Effect.flip(
        answerClarification({ requestId: request.id, customerId: other.id, text: "Here" }),
      )
      expect(answer._tag).toBe("NotRequestOwner")
      const cancel = yield* Effect.flip(
        cancelRequest({ requestId: request.id, customerId: other.id, reason: "no" }),
      )
      expect(cancel._tag).toBe("NotRequestOwner")
      const both = yield* Effect.flip(
        cancelRequest({
          requestId: request.id,
          customerId: owner.id,
          operator: "thandi",
          reason: "no",
        }),
      )
      expect(both).toMatchObject({ _tag: "InvalidInput" })
      const mine = yield* cancelRequest({
        requestId: request.id,
        customerId: owner.id,
        reason: "fixed it myself",
      })
      expect(mine.state).toBe("cancelled")
      expect((yield* (yield* AuditLog).list({ action: "request.cancel" }))[0]?.actor).toEqual({
        _tag: "party",
        partyId: owner.id,
      })
    }).pipe(inMemory),
  )

  it.effect("the request takes the homeowner's cohort, and lists filter by it", () =>
    Effect.gen(function* () {
      const live = yield* homeowner()
      const test = yield* homeowner("+27821110002", "test")
      const a = yield* submitRequest(geyser(live.id))
      const b = yield* submitRequest({ ...geyser(test.id), availability: "now", channel: "web" })
      expect(b).toMatchObject({ cohort: "test", channel: "web", availability: { _tag: "now" } })
      expect((yield* listRequests({ cohort: "test" })).map((r) => r.id)).toEqual([b.id])
      expect((yield* listRequests({ customerId: live.id })).map((r) => r.id)).toEqual([a.id])
    }).pipe(inMemory),
  )
})

describe("submitRequest refuses", () => {
  it.effect("unknown, suspended and provider parties", () =>
    Effect.gen(function* () {
      const missing = yield* Effect.flip(submitRequest(geyser("pty_00000000000000000000")))
      expect(missing._tag).toBe("PartyNotFound")
      const provider = yield* signUp({ kind: "provider", phone: "+27829990000" })
      const notCustomer = yield* Effect.flip(submitRequest(geyser(provider.id)))
      expect(notCustomer).toMatchObject({ _tag: "CustomerNotActive", kind: "provider" })
      const customer = yield* homeowner()
      yield* suspendParty({ partyId: customer.id, operator: "thandi", reason: "abuse" })
      const suspended = yield* Effect.flip(submitRequest(geyser(customer.id)))
      expect(suspended).toMatchObject({ _tag: "CustomerNotActive", status: "suspended" })
      expect(yield* listRequests({})).toEqual([])
    }).pipe(inMemory),
  )

  it.effect("bad details, naming each field", () =>
    Effect.gen(function* () {
      const customer = yield* homeowner()
      yield* TestClock.adjust(2 * DAY_MS)
      const issues = (input: unknown) =>
        Effect.map(Effect.flip(submitRequest(input)), (e) =>
          e._tag === "InvalidInput" ? e.issues.map((i) => `${i.path}: ${i.message}`) : [e._tag],
        )
      const base = geyser(customer.id)
      expect(yield* issues({ ...base, availability: "now", mode: "virtual" })).toEqual([
        "estimatedMinutes: is required for a virtual consultation",
        "totalAmountMinor: is required for a virtual consultation",
      ])
      expect(
        yield* issues({
          ...base,
          availability: "now",
          estimatedMinutes: 30,
          totalAmountMinor: "0",
        }),
      ).toEqual([
        "estimatedMinutes: applies to virtual consultations only",
        "totalAmountMinor: applies to virtual consultations only",
        "totalAmountMinor: must be more than 0",
      ])
      // The window ended a day ago (the clock is at day 2).
      expect(yield* issues(base)).toEqual(["availability[0].end: must be in the future"])
      const w = { start: 3 * DAY_MS, end: 4 * DAY_MS }
      expect(yield* issues({ ...base, availability: [w, w, w, w, w, w] })).toEqual([
        "availability: must list at most 5 windows",
      ])
      expect(yield* issues({ ...base, availability: [] })).toEqual([
        "availability: must list at least one window",
      ])
      expect(
        yield* issues({
          ...base,
          availability: [{ start: "2026-02-30T08:00:00Z", end: 4 * DAY_MS }],
        }),
      ).toEqual(["availability[0].start: is not a valid time"])
      const decoded = yield* issues({
        ...base,
        category: "Plumbing!",
        description: "short",
        photos: ["../etc/passwd"],
      })
      expect(decoded.map((i) => i.split(":")[0])).toEqual(["category", "description", "photos[0]"])
      const virtual = yield* submitRequest({
        ...base,
        availability: "now",
        mode: "virtual",
        estimatedMinutes: 30,
        totalAmountMinor: "35000",
      })
      expect(virtual).toMatchObject({ estimatedMinutes: 30, totalAmountMinor: 35_000n })
    }).pipe(inMemory),
  )
})
