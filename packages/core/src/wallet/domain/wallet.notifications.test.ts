import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { arbPolicy } from "../../policy/testing/policy.arbitraries.ts"
import { arbEventId, arbInstant, arbText } from "../../shared/testing/shared.arbitraries.ts"
import type { Party } from "../../vetting/domain/party.ts"
import { arbParty } from "../../vetting/testing/vetting.arbitraries.ts"
import { arbTopUpId, arbTopUpReference } from "../testing/wallet.arbitraries.ts"
import type { WalletEvent } from "./wallet.events.ts"
import { walletNotifications, walletTemplates } from "./wallet.notifications.ts"
import { formatMoney } from "./wallet.ops.ts"

const arbEvent = (party: Party): fc.Arbitrary<WalletEvent> => {
  const base = fc.record({ eventId: arbEventId, at: arbInstant, partyId: fc.constant(party.id) })
  const topUp = fc.record({
    topUpId: arbTopUpId,
    reference: arbTopUpReference,
    credits: fc.integer({ min: 1, max: 1_000_000 }),
    amountMinor: fc.bigInt({ min: 1n, max: 10n ** 15n }),
    currency: fc.constantFrom("ZAR", "NGN", "USD"),
  })
  const topUpTag = fc.constantFrom(
    "TopUpProofSubmitted" as const,
    "TopUpApproved" as const,
    "TopUpCancelled" as const,
  )
  return fc.oneof(
    fc.tuple(base, topUp, topUpTag).map(([b, t, _tag]): WalletEvent => ({ ...b, ...t, _tag })),
    fc
      .tuple(base, topUp, arbText(80))
      .map(([b, t, reason]): WalletEvent => ({ ...b, ...t, _tag: "TopUpRejected", reason })),
    fc
      .tuple(
        base,
        fc.constantFrom("CreditsGranted" as const, "CreditsClawedBack" as const),
        fc.integer({ min: 1, max: 1_000 }),
        arbText(80),
        fc.bigInt({ min: 0n, max: 10_000n }),
      )
      .map(
        ([b, _tag, credits, reason, balance]): WalletEvent => ({
          ...b,
          _tag,
          credits,
          reason,
          balance,
        }),
      ),
    fc
      .tuple(base, fc.bigInt({ min: 1n, max: 10n ** 15n }), fc.bigInt({ min: 0n, max: 10n ** 15n }))
      .map(
        ([b, amountMinor, balanceMinor]): WalletEvent => ({
          ...b,
          _tag: "EarningsPaidOut",
          amountMinor,
          currency: "ZAR",
          balanceMinor,
        }),
      ),
  )
}

const expectedTemplate = (event: WalletEvent): string | undefined => {
  switch (event._tag) {
    case "TopUpApproved":
      return walletTemplates.topUpApproved
    case "TopUpRejected":
      return walletTemplates.topUpRejected
    case "CreditsGranted":
      return walletTemplates.creditsGranted
    case "CreditsClawedBack":
      return walletTemplates.creditsClawedBack
    case "EarningsPaidOut":
      return walletTemplates.earningsPaidOut
    default:
      return undefined
  }
}

const arbCase = fc
  .tuple(arbParty({ kind: "provider" }), arbPolicy)
  .chain(([party, policy]) => fc.tuple(fc.constant(party), fc.constant(policy), arbEvent(party)))

describe("the wallet notification policy", () => {
  it("tells the provider about decisions and ops' changes, on WhatsApp and by email when it has one", () => {
    fc.assert(
      fc.property(arbCase, ([party, policy, event]) => {
        const messages = walletNotifications(event, party, policy)
        const template = expectedTemplate(event)
        if (template === undefined) {
          expect(messages).toEqual([])
          return
        }
        const channels = messages.map((m) => m.channel).sort()
        expect(channels).toEqual(
          party.profile.email === undefined ? ["whatsapp"] : ["email", "whatsapp"],
        )
        for (const message of messages) {
          expect(message.template).toBe(template)
          expect(message.partyId).toBe(party.id)
          expect(message.to).toBe(message.channel === "email" ? party.profile.email : party.phone)
          expect(message.dedupeKey).toBe(`${event.eventId}:${message.channel}:${template}`)
          expect(message.subject !== undefined).toBe(message.channel === "email")
          // Told why, and how much, in the policy's brand.
          if ("reason" in event) expect(message.body).toContain(event.reason)
          if ("reference" in event) expect(message.body).toContain(event.reference)
          if ("amountMinor" in event) {
            expect(message.body).toContain(formatMoney(event.amountMinor, event.currency))
          }
          if (event._tag !== "TopUpRejected") expect(message.body).toContain(policy.brand)
        }
        expect(new Set(messages.map((m) => m.dedupeKey)).size).toBe(messages.length)
      }),
      { numRuns: 300 },
    )
  })
})
