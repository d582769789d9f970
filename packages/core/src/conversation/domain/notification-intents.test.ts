import { describe, expect, it } from "@effect/vitest"
import * as fc from "fast-check"
import { offerNotifications } from "../../dispatch/domain/offer.notifications.ts"
import { arbOfferId, arbProposedSlots } from "../../dispatch/testing/dispatch.arbitraries.ts"
import { arbPolicy } from "../../policy/testing/policy.arbitraries.ts"
import type { ApplicationId, EventId } from "../../shared/ids.ts"
import type { Instant } from "../../shared/time.ts"
import { vettingNotifications } from "../../vetting/domain/vetting.notifications.ts"
import { arbParty } from "../../vetting/testing/vetting.arbitraries.ts"
import { actionId } from "./commands.ops.ts"
import { checkIntent } from "./intent.ops.ts"

const NOW = Date.UTC(2026, 2, 2, 6) as Instant

describe("notifications carry intents on WhatsApp only, within the limits", () => {
  it("an approval ends in the party's menu buttons", () => {
    fc.assert(
      fc.property(arbParty(), arbPolicy, (party, policy) => {
        const drafts = vettingNotifications(
          {
            _tag: "ApplicationApproved",
            eventId: "evt_1" as EventId,
            at: NOW,
            partyId: party.id,
            applicationId: "app_1" as ApplicationId,
          } as Parameters<typeof vettingNotifications>[0],
          party,
          policy,
        )
        for (const draft of drafts) {
          if (draft.channel !== "whatsapp") {
            expect(draft.intent).toBeUndefined()
            continue
          }
          expect(draft.intent?._tag).toBe("buttons")
          expect(checkIntent(draft.intent!)._tag).toBe("Success")
        }
      }),
    )
  })

  it("proposed times come as a list of the three times and none, answering the offer", () => {
    fc.assert(
      fc.property(
        arbParty({ kind: "customer" }),
        arbOfferId,
        arbProposedSlots(NOW),
        arbPolicy,
        (customer, offerId, slots, policy) => {
          const [whatsapp] = offerNotifications(
            "evt_1",
            {
              _tag: "TimesProposed",
              requestId: "req_1" as never,
              offerId,
              customer,
              category: "plumbing",
              slots,
            },
            policy,
            "https://fundi.test/h/x",
          )
          expect(whatsapp?.intent?._tag).toBe("list")
          expect(checkIntent(whatsapp!.intent!)._tag).toBe("Success")
          const intent = whatsapp!.intent!
          const ids =
            intent._tag === "list" ? intent.sections.flatMap((s) => s.rows.map((r) => r.id)) : []
          expect(ids.at(-1)).toBe(actionId.pickTime(offerId, "none"))
          expect(ids).toHaveLength(slots.length + 1)
        },
      ),
    )
  })
})
