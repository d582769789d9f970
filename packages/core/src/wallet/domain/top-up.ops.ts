import { Effect, Random, Result } from "effect"
import type { MarketplacePolicy } from "../../policy/policy.ts"
import type { PartyId } from "../../shared/ids.ts"
import type { Instant } from "../../shared/time.ts"
import { TransitionNotAllowed } from "../../vetting/domain/vetting.errors.ts"
import {
  type ProofOfPayment,
  type TopUp,
  type TopUpCommandTag,
  type TopUpState,
  topUpTransitions,
} from "./top-up.ts"
import { TopUpOutOfRange } from "./wallet.errors.ts"
import type { WalletEventData } from "./wallet.events.ts"

/** What can be done to a top-up; the table in top-up.ts says from which states. */
export type TopUpCommand =
  | { readonly _tag: "SubmitProof"; readonly proof: ProofOfPayment }
  | { readonly _tag: "Approve"; readonly by: string }
  | { readonly _tag: "Reject"; readonly by: string; readonly reason: string }
  | { readonly _tag: "Cancel" }

export type TopUpTransition = readonly [TopUp, ReadonlyArray<WalletEventData>]

export const topUpStates = Object.keys(topUpTransitions) as ReadonlyArray<TopUpState>

/** Where the table lets `command` lead from `state`, if anywhere. */
export const topUpTarget = (state: TopUpState, command: TopUpCommandTag): TopUpState | undefined =>
  topUpTransitions[state][command]

/** The states from which the table accepts a command, to tell people what would work. */
export const topUpStatesAccepting = (command: TopUpCommandTag): ReadonlyArray<TopUpState> =>
  topUpStates.filter((state) => topUpTarget(state, command) !== undefined)

/** Whether the table accepts `command` now: checked before storing an upload for it. */
export const checkTopUpCommand = (
  topUp: TopUp,
  command: TopUpCommandTag,
): Result.Result<void, TransitionNotAllowed> =>
  topUpTarget(topUp.state, command) === undefined
    ? Result.fail(notAllowed(topUp, command))
    : Result.void

const notAllowed = (topUp: TopUp, command: TopUpCommandTag) =>
  new TransitionNotAllowed({
    entity: "top_up",
    id: topUp.id,
    from: topUp.state,
    command,
    allowedFrom: topUpStatesAccepting(command),
  })

/**
 * Applies one command to a top-up by the table. Approval and rejection are final, so a
 * top-up is approved (and credits are issued for it) at most once.
 */
export const transitionTopUp = (
  topUp: TopUp,
  command: TopUpCommand,
  now: Instant,
): Result.Result<TopUpTransition, TransitionNotAllowed> => {
  const state = topUpTarget(topUp.state, command._tag)
  if (state === undefined) return Result.fail(notAllowed(topUp, command._tag))
  const facts = {
    at: now,
    partyId: topUp.partyId as PartyId,
    topUpId: topUp.id,
    reference: topUp.reference,
    credits: topUp.credits,
    amountMinor: topUp.amountMinor,
    currency: topUp.currency,
  }
  const moved = { ...topUp, state, updatedAt: now }
  switch (command._tag) {
    case "SubmitProof":
      return Result.succeed([
        { ...moved, proof: command.proof },
        [{ _tag: "TopUpProofSubmitted", ...facts }],
      ])
    case "Approve":
      return Result.succeed([
        { ...moved, decidedAt: now, decidedBy: command.by },
        [{ _tag: "TopUpApproved", ...facts }],
      ])
    case "Reject":
      return Result.succeed([
        { ...moved, decidedAt: now, decidedBy: command.by, rejectionReason: command.reason },
        [{ _tag: "TopUpRejected", ...facts, reason: command.reason }],
      ])
    case "Cancel":
      return Result.succeed([moved, [{ _tag: "TopUpCancelled", ...facts }]])
  }
}

/** The price of `credits` in minor units of the policy currency, within the policy's range. */
export const priceTopUp = (
  credits: number,
  policy: Pick<MarketplacePolicy, "credits">,
): Result.Result<bigint, TopUpOutOfRange> => {
  const { topUpMinCredits: min, topUpMaxCredits: max, creditPriceMinor } = policy.credits
  if (!Number.isSafeInteger(credits) || credits < min || credits > max) {
    return Result.fail(new TopUpOutOfRange({ credits, min, max }))
  }
  return Result.succeed(BigInt(credits) * BigInt(creditPriceMinor))
}

// Crockford's base 32, upper case as people write it on a bank transfer: no I, L, O, U.
const referenceAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
const referenceLength = 6
const referencePattern = new RegExp(`^FND-[${referenceAlphabet}]{${referenceLength}}$`, "u")

/** "FND-" and six Crockford base-32 characters: 2^30 references, short enough to type. */
export const isTopUpReference = (text: string): boolean => referencePattern.test(text)

/** A fresh reference from Effect's Random; the caller makes sure it is not taken. */
export const randomTopUpReference: Effect.Effect<string> = Effect.gen(function* () {
  let body = ""
  for (let i = 0; i < referenceLength; i++) {
    body += referenceAlphabet[yield* Random.nextIntBetween(0, referenceAlphabet.length - 1)]
  }
  return `FND-${body}`
})
