import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { actionId } from "../../conversation/domain/commands.ops.ts"
import { checkIntent } from "../../conversation/domain/intent.ops.ts"
import { creditsPreset } from "../../policy/presets.ts"
import { arbPolicy } from "../../policy/testing/policy.arbitraries.ts"
import type { PartyId, RequestId } from "../../shared/ids.ts"
import { arbEventId, arbInstant, arbText } from "../../shared/testing/shared.arbitraries.ts"
import type { Instant } from "../../shared/time.ts"
import { emptyProfile, type Party } from "../../vetting/domain/party.ts"
import { arbParty } from "../../vetting/testing/vetting.arbitraries.ts"
import { arbServiceRequest } from "../testing/request-repository.arbitraries.ts"
import {
  asksAbout,
  requestNotifications,
  requestTemplates,
  unfulfilledNotice,
} from "./request.notifications.ts"
import type { RequestEvent } from "./service-request.ops.ts"
import type { ServiceRequest } from "./service-request.ts"

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
  it("tells the homeowner ops' question, a cancellation and an unfulfilled request, on WhatsApp and email if known; nothing else", () => {
    fc.assert(
      fc.property(arbCase, ({ customer, policy, request, event }) => {
        const drafts = requestNotifications(event, request, customer, policy)
        if (
          event._tag !== "ClarificationRequested" &&
          event._tag !== "RequestCancelled" &&
          event._tag !== "RequestUnfulfilled"
        ) {
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
          expect(draft.subject !== undefined).toBe(draft.channel === "email")
          if (event._tag === "RequestUnfulfilled") {
            // Keyed by the request, not the event: a second give-up could never send again.
            expect(draft.dedupeKey).toBe(`${request.id}:${draft.channel}:${draft.template}`)
            expect(draft.template).toBe(requestTemplates.unfulfilled)
            expect(draft.body).toContain(request.category)
            // On WhatsApp with the menu buttons, within WhatsApp's limits whatever the names.
            if (draft.channel === "whatsapp") {
              expect(checkIntent(draft.intent!)._tag).toBe("Success")
            }
            continue
          }
          expect(draft.dedupeKey).toBe(`${event.eventId}:${draft.channel}:${draft.template}`)
          if (event._tag === "ClarificationRequested") {
            expect(draft.template).toBe(requestTemplates.clarification)
            expect(draft.body).toContain(event.question)
            // A reply in context to it is matched back to this request and question.
            expect(
              asksAbout(draft.body, { category: request.category, question: event.question }),
            ).toBe(true)
            expect(
              asksAbout(draft.body, {
                category: request.category,
                question: `${event.question} (again)`,
              }),
            ).toBe(false)
            expect(
              asksAbout(draft.body, {
                category: `${request.category}-other`,
                question: event.question,
              }),
            ).toBe(false)
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

  it("the unfulfilled notice is the same whichever event announces it (one per request)", () => {
    fc.assert(
      fc.property(arbCase, arbEventId, ({ customer, policy, request, event }, otherId) => {
        const again = { ...event, _tag: "RequestUnfulfilled" as const, eventId: otherId }
        const first = requestNotifications(
          { ...again, eventId: event.eventId },
          request,
          customer,
          policy,
        )
        expect(requestNotifications(again, request, customer, policy)).toEqual(first)
      }),
    )
  })
})

describe("the unfulfilled notice, channel by channel", () => {
  const at = Date.UTC(2026, 2, 2, 6) as Instant
  const lerato: Party = {
    id: "pty_lerato" as PartyId,
    kind: "customer",
    phone: "+27831110000" as Party["phone"],
    cohort: "live",
    channel: "whatsapp",
    status: "active",
    profile: { ...emptyProfile, displayName: "Lerato", email: "lerato@example.com" as never },
    createdAt: at,
    updatedAt: at,
  }
  const geyser: ServiceRequest = {
    id: "req_geyser" as RequestId,
    customerId: lerato.id,
    category: "plumbing",
    description: "The geyser leaks",
    location: { area: "soweto" },
    mode: "in_person",
    urgency: "urgent",
    availability: { _tag: "now" },
    photos: [],
    channel: "whatsapp",
    cohort: "live",
    state: "unfulfilled",
    createdAt: at,
    updatedAt: at,
  }
  const [whatsapp, email] = unfulfilledNotice(geyser, lerato, creditsPreset)

  it("WhatsApp: plain words, and the way back to a new request is the menu", () => {
    expect(whatsapp).toMatchObject({
      channel: "whatsapp",
      to: "+27831110000",
      template: "request.unfulfilled",
      dedupeKey: "req_geyser:whatsapp:request.unfulfilled",
    })
    expect(whatsapp!.body).toBe(
      'Hello Lerato, we are sorry: no provider was available for your plumbing request at a time that suits you, so we have stopped looking. Our team has been told. To ask again, reply "menu" and tap Request help.',
    )
    // Inside the 24-hour window the same words come with the menu buttons...
    const intent = whatsapp!.intent!
    expect(checkIntent(intent)._tag).toBe("Success")
    expect(intent._tag === "buttons" ? intent.body : undefined).toBe(whatsapp!.body)
    expect(intent._tag === "buttons" ? intent.buttons : []).toContainEqual({
      id: actionId.startFlow("request_help"),
      title: "Request help",
    })
    // ...and outside it the approved update template carries them (buttons cannot go there).
    expect(whatsapp!.fallbackTemplate?.parameters).toEqual([whatsapp!.body])
  })

  it("email: the same news, pointing to the chat on the homeowner's own number", () => {
    expect(email).toMatchObject({
      channel: "email",
      to: "lerato@example.com",
      template: "request.unfulfilled",
      dedupeKey: "req_geyser:email:request.unfulfilled",
      subject: "Fundi: no provider for your plumbing request",
    })
    expect(email!.body).toBe(
      'Hello Lerato, we are sorry: no provider was available for your plumbing request at a time that suits you, so we have stopped looking. Our team has been told. To ask again, message Fundi on WhatsApp from +27831110000: send "menu" and tap Request help.',
    )
    expect(email!.intent).toBeUndefined()
  })

  it("no email without an address; no name, a plain hello", () => {
    const { email: _none, displayName: _anon, ...profile } = lerato.profile
    const drafts = unfulfilledNotice(geyser, { ...lerato, profile }, creditsPreset)
    expect(drafts.map((d) => d.channel)).toEqual(["whatsapp"])
    expect(drafts[0]!.body.startsWith("Hello, we are sorry: no provider was available")).toBe(true)
  })
})
