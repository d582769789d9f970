import type { MessageDraft } from "../../notifications/domain/outbox-message.ts"
import { greeting, messagesForParty } from "../../notifications/domain/party-messages.ts"
import type { MarketplacePolicy } from "../../policy/policy.ts"
import type { Party } from "../../vetting/domain/party.ts"
import type { WalletEvent } from "./wallet.events.ts"
import { formatCredits, formatMoney } from "./wallet.ops.ts"

/** The templates the wallet notification policy renders. */
export const walletTemplates = {
  topUpApproved: "top_up.approved",
  topUpRejected: "top_up.rejected",
  creditsGranted: "credits.granted",
  creditsClawedBack: "credits.clawed_back",
  earningsPaidOut: "earnings.paid_out",
} as const

interface Rendered {
  readonly template: string
  readonly subject: string
  readonly body: string
}

const render = (
  event: WalletEvent,
  party: Party,
  policy: MarketplacePolicy,
): Rendered | undefined => {
  const marketplace = policy.brand
  switch (event._tag) {
    case "TopUpApproved":
      return {
        template: walletTemplates.topUpApproved,
        subject: `${formatCredits(event.credits)} added to your ${marketplace} wallet`,
        body: `${greeting(party)}, your payment of ${formatMoney(event.amountMinor, event.currency)} (reference ${event.reference}) is confirmed: ${formatCredits(event.credits)} are now in your ${marketplace} wallet.`,
      }
    case "TopUpRejected":
      return {
        template: walletTemplates.topUpRejected,
        subject: `Your ${marketplace} top-up ${event.reference}`,
        body: `${greeting(party)}, we could not confirm your top-up ${event.reference} of ${formatMoney(event.amountMinor, event.currency)}. Reason: ${event.reason}. No credits were added; reply to this message if you think this is a mistake.`,
      }
    case "CreditsGranted":
      return {
        template: walletTemplates.creditsGranted,
        subject: `${formatCredits(event.credits)} added to your ${marketplace} wallet`,
        body: `${greeting(party)}, ${marketplace} added ${formatCredits(event.credits)} to your wallet. Reason: ${event.reason}. Your balance is now ${formatCredits(event.balance)}.`,
      }
    case "CreditsClawedBack":
      return {
        template: walletTemplates.creditsClawedBack,
        subject: `${formatCredits(event.credits)} removed from your ${marketplace} wallet`,
        body: `${greeting(party)}, ${marketplace} removed ${formatCredits(event.credits)} from your wallet. Reason: ${event.reason}. Your balance is now ${formatCredits(event.balance)}. Reply to this message to talk to our team.`,
      }
    case "EarningsPaidOut":
      return {
        template: walletTemplates.earningsPaidOut,
        subject: `${marketplace} paid out ${formatMoney(event.amountMinor, event.currency)}`,
        body: `${greeting(party)}, ${marketplace} paid out ${formatMoney(event.amountMinor, event.currency)} of your earnings. What is left to pay out: ${formatMoney(event.balanceMinor, event.currency)}.`,
      }
    default:
      return undefined
  }
}

/**
 * The wallet notification policy: what a wallet event tells the provider. Decisions on
 * top-ups (with the reason when refused), credits granted or clawed back by ops, and
 * earnings paid out go out on WhatsApp, and by email too when the profile has an address.
 * Creating a top-up, sending a proof and spending credits are silent: the provider did them.
 * The dedupe key is event id + channel + template, so a retried use case never sends twice.
 */
export const walletNotifications = (
  event: WalletEvent,
  party: Party,
  policy: MarketplacePolicy,
): ReadonlyArray<MessageDraft> => {
  return messagesForParty(event.eventId, party, render(event, party, policy))
}
