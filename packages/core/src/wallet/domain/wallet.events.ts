import type { EventId, PartyId, TopUpId } from "../../shared/ids.ts"
import type { Instant } from "../../shared/time.ts"

interface EventBase {
  readonly eventId: EventId
  readonly at: Instant
  readonly partyId: PartyId
}

interface TopUpFacts {
  readonly topUpId: TopUpId
  readonly reference: string
  readonly credits: number
  readonly amountMinor: bigint
  readonly currency: string
}

/** What happened to a wallet; the wallet notification policy reads these. */
export type WalletEvent =
  | (EventBase & TopUpFacts & { readonly _tag: "TopUpProofSubmitted" })
  | (EventBase & TopUpFacts & { readonly _tag: "TopUpApproved" })
  | (EventBase & TopUpFacts & { readonly _tag: "TopUpRejected"; readonly reason: string })
  | (EventBase & TopUpFacts & { readonly _tag: "TopUpCancelled" })
  | (EventBase & {
      readonly _tag: "CreditsGranted" | "CreditsClawedBack"
      readonly credits: number
      readonly reason: string
      /** The credit balance after the change. */
      readonly balance: bigint
    })
  | (EventBase & {
      readonly _tag: "EarningsPaidOut"
      readonly amountMinor: bigint
      readonly currency: string
      /** The earnings balance after the payout. */
      readonly balanceMinor: bigint
    })

/** An event before it gets its id: what the pure rules return. */
export type WalletEventData = WalletEvent extends infer E
  ? E extends WalletEvent
    ? Omit<E, "eventId">
    : never
  : never
