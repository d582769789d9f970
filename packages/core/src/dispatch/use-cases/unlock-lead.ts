import { Effect } from "effect"
import type { IdempotencyConflict, InsufficientFunds } from "../../ledger/domain/ledger.errors.ts"
import { Policy } from "../../policy/policy-service.ts"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import { now } from "../../shared/time.ts"
import { isLeadEligible } from "../../vetting/domain/party.ops.ts"
import { PartyNotFound } from "../../vetting/domain/vetting.errors.ts"
import { NotAProvider, type WeeklyBudgetExceeded } from "../../wallet/domain/wallet.errors.ts"
import { chargeCredits } from "../../wallet/use-cases/spend-credits.ts"
import { discloseLead, type LeadView } from "../domain/disclosure.ops.ts"
import {
  type LeadPriceMissing,
  LeadsNotSold,
  type NotOfferProvider,
  type OfferNotFound,
  ProviderIneligible,
  RequestNotDispatching,
  type UnlockCapReached,
} from "../domain/dispatch.errors.ts"
import { checkUnlockCap, leadPrice } from "../domain/dispatch.ops.ts"
import { type OfferTransitionError, transitionOffer } from "../domain/offer.ops.ts"
import { LeadStore } from "../ports/lead-store.ts"
import { OfferActionInput } from "./offer-inputs.ts"
import { lockLead, partyIn } from "./offer-support.ts"
import type { DispatchServices } from "./services.ts"
import { audit, inTransaction } from "./support.ts"

/** The idempotency id of an offer's unlock: one offer is never paid for twice. */
export const unlockTransferId = (offerId: string): string => `lead-unlock:${offerId}`

/**
 * The credit unlock gate: a provider pays the lead price to see the full job. In one
 * transaction it checks the request is still dispatching, the provider is active with an
 * approved application, the per-lead unlock cap, the weekly budget and the balance; then
 * debits the credits (once per offer) and holds the lead for the provider for the
 * policy's hold window.
 */
export const unlockLead: (
  input: unknown,
) => Effect.Effect<
  LeadView,
  | InvalidInput
  | PersistenceUnavailable
  | OfferNotFound
  | NotOfferProvider
  | RequestNotDispatching
  | ProviderIneligible
  | UnlockCapReached
  | LeadsNotSold
  | LeadPriceMissing
  | OfferTransitionError
  | PartyNotFound
  | NotAProvider
  | WeeklyBudgetExceeded
  | InsufficientFunds
  | IdempotencyConflict,
  DispatchServices
> = Effect.fn("unlockLead")(function* (raw: unknown) {
  const input = yield* decodeInput(OfferActionInput)(raw)
  return yield* inTransaction(
    Effect.gen(function* () {
      const policy = yield* Policy
      if (policy.model !== "credits") return yield* new LeadsNotSold({ model: policy.model })
      // The provider's row too: its spends (the weekly budget) are decided one at a time.
      const lead = yield* lockLead(input.offerId, input.providerId, { lockProvider: true })
      const { request, offer } = lead
      if (request.state !== "dispatching") {
        return yield* new RequestNotDispatching({ requestId: request.id, state: request.state })
      }
      const provider = lead.parties.get(offer.providerId)
      if (provider === undefined) return yield* new PartyNotFound({ partyId: offer.providerId })
      if (provider.kind !== "provider") return yield* new NotAProvider({ partyId: provider.id })
      const { application } = lead
      if (!isLeadEligible(provider, application)) {
        return yield* new ProviderIneligible({
          providerId: provider.id,
          reason: "not_lead_eligible",
          detail: `status ${provider.status}, application ${application?.state ?? "none"}`,
        })
      }
      yield* Effect.fromResult(checkUnlockCap(request, offer, lead.offers, policy))
      const price = yield* Effect.fromResult(leadPrice(policy, request.category, request.urgency))
      const [after] = yield* Effect.fromResult(
        transitionOffer(offer, { _tag: "Unlock", credits: price }, policy, yield* now),
      )
      const transferId = unlockTransferId(offer.id)
      yield* audit({
        actor: { _tag: "party", partyId: provider.id },
        action: "offer.unlock",
        subjectType: "offer",
        subjectId: offer.id,
        details: {
          requestId: request.id,
          from: offer.state,
          to: after.state,
          credits: price,
          transferId,
          holdExpiresAt: after.holdExpiresAt,
        },
      })
      yield* (yield* LeadStore).save({ offers: [after] })
      const view = discloseLead(
        request,
        yield* partyIn(lead, request.customerId),
        "unlocked",
        price,
      )
      // A refusal (budget, balance) still rolls back the writes above. An open offer was
      // never charged (it unlocks once), so the transfer id is new.
      yield* chargeCredits(
        {
          partyId: provider.id,
          credits: price,
          transferId,
          leadId: offer.id,
          requestId: request.id,
        },
        { lockedProvider: provider, settings: lead.wallet, newTransfer: true },
      )
      return view
    }),
  )
})
