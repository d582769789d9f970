import { Effect, Option } from "effect"
import { ConversationStore } from "../../conversation/ports/conversation-store.ts"
import { Policy } from "../../policy/policy-service.ts"
import type { Actor } from "../../shared/actor.ts"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import { newOfferId } from "../../shared/ids.ts"
import { now } from "../../shared/time.ts"
import type { PartyNotFound, TransitionNotAllowed } from "../../vetting/domain/vetting.errors.ts"
import { latestApplication } from "../../vetting/use-cases/support.ts"
import type { NotAProvider } from "../../wallet/domain/wallet.errors.ts"
import { WalletSettings } from "../../wallet/ports/wallet-settings.ts"
import { loadProvider } from "../../wallet/use-cases/support.ts"
import { spentThisWeek } from "../../wallet/use-cases/wallet-view.ts"
import { discloseLead } from "../domain/disclosure.ops.ts"
import {
  type LeadPriceMissing,
  type ProviderIneligible,
  RequestNotDispatching,
} from "../domain/dispatch.errors.ts"
import { makeOffer } from "../domain/offer.ops.ts"
import type { Offer } from "../domain/offer.ts"
import { checkOverride, type OverridableGate } from "../domain/override.ops.ts"
import { defaultReach } from "../domain/provider-reach.ts"
import { type RequestNotFound, transitionRequest } from "../domain/service-request.ops.ts"
import type { ServiceRequest } from "../domain/service-request.ts"
import { OfferRepository } from "../ports/offer-repository.ts"
import { ProviderDirectory } from "../ports/provider-directory.ts"
import { RequestRepository } from "../ports/request-repository.ts"
import { OverrideDispatchInput } from "./offer-inputs.ts"
import { notify, priceOf } from "./offer-support.ts"
import type { DispatchServices } from "./services.ts"
import { audit, customerOf, inTransaction, loadRequest } from "./support.ts"

export interface OverrideOutcome {
  readonly request: ServiceRequest
  readonly offer: Offer
  /** The matching gates this offer bypassed (empty when matching would have made it too). */
  readonly bypassed: ReadonlyArray<OverridableGate>
}

/**
 * Ops offer a request to a provider they name. The request must be ready (dispatch starts
 * here) or dispatching. The application gate, the cohort, reachability (someone who said
 * "stop" on WhatsApp and has no email would never hear of it) and "never offered this
 * request before" still hold; category, area, availability, capacity and budget do not, and the
 * audit row lists which of them this offer bypassed. The offer then lives like any other:
 * time-to-live, unlock, decline (dispatch moves on), expiry.
 */
export const overrideDispatch: (
  input: unknown,
) => Effect.Effect<
  OverrideOutcome,
  | InvalidInput
  | PersistenceUnavailable
  | RequestNotFound
  | RequestNotDispatching
  | TransitionNotAllowed
  | PartyNotFound
  | NotAProvider
  | ProviderIneligible
  | LeadPriceMissing,
  DispatchServices
> = Effect.fn("overrideDispatch")(function* (raw: unknown) {
  const input = yield* decodeInput(OverrideDispatchInput)(raw)
  const actor: Actor = { _tag: "operator", name: input.operator }
  return yield* inTransaction(
    Effect.gen(function* () {
      const policy = yield* Policy
      const offers = yield* OfferRepository
      const at = yield* now
      const before = yield* loadRequest(input.requestId, { forUpdate: true })
      if (before.state !== "ready" && before.state !== "dispatching") {
        return yield* new RequestNotDispatching({
          requestId: before.id,
          state: before.state,
          needs: "ready or dispatching",
        })
      }
      // A homeowner's id is refused as such, not as a provider failing the application gate.
      const provider = yield* loadProvider(input.providerId)
      const price = yield* Effect.fromResult(priceOf(before, policy))
      const { weeklyCreditBudget } = yield* (yield* WalletSettings).get(provider.id)
      const bypassed = yield* Effect.fromResult(
        checkOverride(provider, yield* latestApplication(provider.id), before, {
          now: at,
          policy,
          offersOnRequest: yield* offers.listForRequest(before.id),
          ...(price === undefined ? {} : { leadPriceCredits: price }),
          reach: Option.getOrElse(yield* (yield* ProviderDirectory).getReach(provider.id), () =>
            defaultReach(provider.id),
          ),
          openAssignments: yield* offers.countOpenAssignments(provider.id),
          ...(weeklyCreditBudget === undefined ? {} : { weeklyBudget: weeklyCreditBudget }),
          spentThisWeek: (yield* spentThisWeek(provider)).spent,
          whatsAppOptedOut: Option.exists(
            yield* (yield* ConversationStore).find(provider.phone),
            (session) => session.optedOut,
          ),
        }),
      )

      let request = before
      if (before.state === "ready") {
        ;[request] = yield* Effect.fromResult(
          transitionRequest(before, { _tag: "StartDispatch" }, at),
        )
        yield* (yield* RequestRepository).update(request)
        yield* audit({
          actor,
          action: "request.dispatch",
          subjectType: "request",
          subjectId: request.id,
          reason: input.reason,
          details: { customerId: request.customerId, from: before.state, to: request.state },
        })
      }

      const offer = makeOffer(
        { id: yield* newOfferId, request, providerId: provider.id },
        policy,
        at,
      )
      yield* offers.insert(offer)
      yield* audit({
        actor,
        action: "offer.override",
        subjectType: "offer",
        subjectId: offer.id,
        reason: input.reason,
        details: {
          requestId: request.id,
          providerId: provider.id,
          expiresAt: offer.expiresAt,
          bypassed: [...bypassed],
        },
      })
      const preview = discloseLead(request, yield* customerOf(request), "preview", price)
      yield* notify([{ _tag: "LeadOffered", provider, preview, offer }])
      return { request, offer, bypassed }
    }),
  )
})
