import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { creditsPreset } from "../../policy/presets.ts"
import { arbPolicy } from "../../policy/testing/policy.arbitraries.ts"
import type { ApplicationId, EventId } from "../../shared/ids.ts"
import {
  arbApplicationId,
  arbEventId,
  arbFixedZone,
  arbInstant,
  arbText,
  localClockByHand,
} from "../../shared/testing/shared.arbitraries.ts"
import { type Instant, toIso } from "../../shared/time.ts"
import { arbParty, arbPartyStatus } from "../testing/vetting.arbitraries.ts"
import { emptyProfile, type Party } from "./party.ts"
import type { VettingEvent } from "./vetting.events.ts"
import { vettingNotifications, vettingTemplates } from "./vetting.notifications.ts"

const arbEvent = (party: Party): fc.Arbitrary<VettingEvent> => {
  const base = fc.record({ eventId: arbEventId, at: arbInstant, partyId: fc.constant(party.id) })
  return fc.oneof(
    base.map((b): VettingEvent => ({ ...b, _tag: "PartySignedUp" })),
    fc.tuple(base, arbApplicationId).map(
      ([b, applicationId]): VettingEvent => ({
        ...b,
        _tag: "ApplicationSubmitted",
        applicationId,
      }),
    ),
    fc.tuple(base, arbApplicationId).map(
      ([b, applicationId]): VettingEvent => ({
        ...b,
        _tag: "ApplicationApproved",
        applicationId,
      }),
    ),
    fc.tuple(base, arbApplicationId, arbText(60), fc.option(arbInstant, { nil: undefined })).map(
      ([b, applicationId, reason, reapplyAfter]): VettingEvent => ({
        ...b,
        _tag: "ApplicationRejected",
        applicationId,
        reason,
        ...(reapplyAfter === undefined ? {} : { reapplyAfter }),
      }),
    ),
    fc.tuple(base, arbPartyStatus, arbPartyStatus, arbText(60)).map(
      ([b, from, to, reason]): VettingEvent => ({
        ...b,
        _tag: "PartyStatusChanged",
        from,
        to,
        reason,
      }),
    ),
  )
}

const arbCase = fc
  .tuple(arbParty(), arbPolicy)
  .chain(([party, policy]) => fc.tuple(fc.constant(party), fc.constant(policy), arbEvent(party)))

/** Which template, if any, an event must produce. */
const expectedTemplate = (event: VettingEvent): string | undefined => {
  switch (event._tag) {
    case "ApplicationApproved":
      return vettingTemplates.approved
    case "ApplicationRejected":
      return vettingTemplates.rejected
    case "PartyStatusChanged":
      if (event.to === "suspended") return vettingTemplates.suspended
      if (event.from === "suspended" && event.to === "active") return vettingTemplates.reinstated
      return undefined
    default:
      return undefined
  }
}

describe("vetting notification policy", () => {
  it("decisions, suspension and reinstatement go by WhatsApp, and email when there is one; nothing else is sent", () => {
    fc.assert(
      fc.property(arbCase, ([party, policy, event]) => {
        const drafts = vettingNotifications(event, party, policy)
        const template = expectedTemplate(event)
        if (template === undefined) {
          expect(drafts).toEqual([])
          return
        }
        const expectedChannels =
          party.profile.email === undefined ? ["whatsapp"] : ["whatsapp", "email"]
        expect(drafts.map((d) => d.channel)).toEqual(expectedChannels)
        for (const draft of drafts) {
          expect(draft.template).toBe(template)
          expect(draft.partyId).toBe(party.id)
          expect(draft.dedupeKey).toBe(`${event.eventId}:${draft.channel}:${template}`)
          expect(draft.to).toBe(draft.channel === "email" ? party.profile.email : party.phone)
          expect(draft.body.length).toBeGreaterThan(0)
        }
      }),
    )
  })

  it("a rejection gives the reason, and the re-application date and time on the marketplace's clock when locked out", () => {
    fc.assert(
      fc.property(arbCase, arbFixedZone, ([party, base, event], { zone, offsetMinutes }) => {
        if (event._tag !== "ApplicationRejected") return
        const policy = { ...base, timeZone: zone }
        for (const draft of vettingNotifications(event, party, policy)) {
          expect(draft.body).toContain(event.reason)
          if (event.reapplyAfter !== undefined) {
            const local = localClockByHand(event.reapplyAfter, offsetMinutes).dateTime
            expect(draft.body).toContain(`You may apply again from ${local}.`)
            expect(draft.body).not.toContain(localClockByHand(event.reapplyAfter, 0).dateTime)
            expect(draft.body).not.toContain(toIso(event.reapplyAfter).slice(0, 16))
          }
          expect(draft.body.replace(event.reason, "")).not.toContain("UTC")
        }
      }),
    )
  })

  it("a lockout ending late at night UTC is dated the next morning in Johannesburg", () => {
    const party: Party = {
      id: "pty_sipho" as Party["id"],
      kind: "provider",
      phone: "+27821000001" as Party["phone"],
      cohort: "live",
      channel: "whatsapp",
      status: "active",
      profile: { ...emptyProfile, displayName: "Sipho" },
      createdAt: 0 as Instant,
      updatedAt: 0 as Instant,
    }
    const [whatsapp] = vettingNotifications(
      {
        _tag: "ApplicationRejected",
        eventId: "evt_1" as EventId,
        at: 0 as Instant,
        partyId: party.id,
        applicationId: "app_1" as ApplicationId,
        reason: "the background check failed",
        reapplyAfter: Date.UTC(2025, 3, 30, 22, 5) as Instant,
      },
      party,
      creditsPreset,
    )
    expect(whatsapp!.body).toBe(
      "Hello Sipho, your application was not approved. Reason: the background check failed. You may apply again from 1 May 2025, 00:05.",
    )
  })

  it("the welcome names the marketplace", () => {
    fc.assert(
      fc.property(arbCase, ([party, policy, event]) => {
        if (event._tag !== "ApplicationApproved") return
        for (const draft of vettingNotifications(event, party, policy)) {
          expect(draft.body).toContain(policy.brand)
        }
      }),
    )
  })
})
