import { Effect, Schema } from "effect"
import type { Actor } from "../../shared/actor.ts"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import { OfferId, PartyId } from "../../shared/ids.ts"
import { now } from "../../shared/time.ts"
import { Reason } from "../../vetting/use-cases/inputs.ts"
import type { NotOfferProvider, OfferNotFound } from "../domain/dispatch.errors.ts"
import { noteDeclineReason } from "../domain/offer.ops.ts"
import type { RequestNotFound } from "../domain/service-request.ops.ts"
import { OfferRepository } from "../ports/offer-repository.ts"
import { lockOffer } from "./offer-support.ts"
import type { DispatchServices } from "./services.ts"
import { audit, inTransaction } from "./support.ts"

/** A provider says why they declined a lead, after declining it. */
export const GiveDeclineReasonInput = Schema.Struct({
  offerId: OfferId,
  providerId: PartyId,
  reason: Reason,
})
export type GiveDeclineReasonInput = typeof GiveDeclineReasonInput.Encoded

/**
 * The provider's reason for a lead they declined already (the chat asks after the
 * decline, so the next provider is not kept waiting): kept on the offer and in the audit
 * log (`offer.decline_reason`) when the offer has none yet (noteDeclineReason). Returns
 * whether it was kept.
 */
export const giveDeclineReason: (
  input: unknown,
) => Effect.Effect<
  { readonly noted: boolean },
  InvalidInput | PersistenceUnavailable | OfferNotFound | NotOfferProvider | RequestNotFound,
  DispatchServices
> = Effect.fn("giveDeclineReason")(function* (raw: unknown) {
  const input = yield* decodeInput(GiveDeclineReasonInput)(raw)
  return yield* inTransaction(
    Effect.gen(function* () {
      const { offer } = yield* lockOffer(input.offerId, input.providerId)
      const noted = noteDeclineReason(offer, input.reason, yield* now)
      if (noted === undefined) return { noted: false }
      yield* (yield* OfferRepository).update(noted)
      const actor: Actor = { _tag: "party", partyId: offer.providerId }
      yield* audit({
        actor,
        action: "offer.decline_reason",
        subjectType: "offer",
        subjectId: offer.id,
        reason: input.reason,
        details: { requestId: offer.requestId },
      })
      return { noted: true }
    }),
  )
})
