import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { arbPolicy } from "../../policy/testing/policy.arbitraries.ts"
import { arbEventId, arbInstant, arbText } from "../../shared/testing/shared.arbitraries.ts"
import { arbParty } from "../../vetting/testing/vetting.arbitraries.ts"
import { arbServiceRequest } from "../testing/request-repository.arbitraries.ts"
import { requestNotifications, requestTemplates } from "./request.notifications.ts"
import type { RequestEvent } from "./service-request.ops.ts"

const arbCase = fc
  .tuple(arbParty({ kind: "customer" }), arbPolicy, arbEventId, arbInstant)
  .chain(([customer, policy, eventId, at]) =>
    fc.tuple(
      fc.constant(customer),
      fc.constant(policy),
      arbServiceRequest({ customerId: customer.id }),
      fc.oneof(
        arbText(200).map((question) => ({ _tag: "ClarificationRequested" as const, question })),
        fc.record({
          _tag: fc.constant("RequestCancelled" as const),
          reason: arbText(200),
          byCustomer: fc.boolean(),
        }),
        arbText(200).map((text) => ({ _tag: "ClarificationAnswered" as const, text })),
        fc.constantFrom(
          { _tag: "RequestSubmitted" as const },
          { _tag: "RequestMarkedReady" as const },
          { _tag: "RequestDispatchStarted" as const },
          { _tag: "RequestUnfulfilled" as const },
        ),
      ),
      fc.constant({ eventId, at }),
    ),
  )
  .map(([customer, policy, request, data, base]) => ({
    customer,
    policy,
    request,
    event: { ...data, ...base, requestId: request.id, customerId: customer.id } as RequestEvent,
  }))

describe("requestNotifications", () => {
  it("tells the homeowner ops' question and a cancellation, on WhatsApp and email if known; nothing else", () => {
    fc.assert(
      fc.property(arbCase, ({ customer, policy, request, event }) => {
        const drafts = requestNotifications(event, request, customer, policy)
        if (event._tag !== "ClarificationRequested" && event._tag !== "RequestCancelled") {
          expect(drafts).toEqual([])
          return
        }
        const channels = drafts.map((d) => d.channel)
        expect(channels).toEqual(
          customer.profile.email === undefined ? ["whatsapp"] : ["whatsapp", "email"],
        )
        for (const draft of drafts) {
          expect(draft.partyId).toBe(customer.id)
          expect(draft.to).toBe(
            draft.channel === "whatsapp" ? customer.phone : customer.profile.email,
          )
          expect(draft.dedupeKey).toBe(`${event.eventId}:${draft.channel}:${draft.template}`)
          expect(draft.subject !== undefined).toBe(draft.channel === "email")
          if (event._tag === "ClarificationRequested") {
            expect(draft.template).toBe(requestTemplates.clarification)
            expect(draft.body).toContain(event.question)
          } else {
            expect(draft.template).toBe(requestTemplates.cancelled)
            // Ops say why; a homeowner who cancelled gets a confirmation instead.
            if (!event.byCustomer) expect(draft.body).toContain(event.reason)
          }
        }
        expect(new Set(drafts.map((d) => d.dedupeKey)).size).toBe(drafts.length)
      }),
    )
  })
})
