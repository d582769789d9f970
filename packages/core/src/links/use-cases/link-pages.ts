import { Effect, Option, Result, Schema } from "effect"
import {
  type DisclosureStage,
  discloseLead,
  type LeadView,
  stageOf,
} from "../../dispatch/domain/disclosure.ops.ts"
import type {
  LeadPriceMissing,
  RequestNotDispatching,
} from "../../dispatch/domain/dispatch.errors.ts"
import { type NotOfferProvider, OfferNotFound } from "../../dispatch/domain/dispatch.errors.ts"
import { type OfferTransitionError, offerDeadline } from "../../dispatch/domain/offer.ops.ts"
import type { Offer } from "../../dispatch/domain/offer.ts"
import { RequestNotFound } from "../../dispatch/domain/service-request.ops.ts"
import type { ServiceRequest, TimeWindow } from "../../dispatch/domain/service-request.ts"
import { OfferRepository } from "../../dispatch/ports/offer-repository.ts"
import { partyOf, priceOf } from "../../dispatch/use-cases/offer-support.ts"
import { previewLead } from "../../dispatch/use-cases/preview-lead.ts"
import type { DispatchServices } from "../../dispatch/use-cases/services.ts"
import { customerOf, loadRequest } from "../../dispatch/use-cases/support.ts"
import { Policy } from "../../policy/policy-service.ts"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import type { OfferId, PartyId, RequestId } from "../../shared/ids.ts"
import type { Phone } from "../../shared/phone.ts"
import { now } from "../../shared/time.ts"
import {
  type ObjectNotFound,
  ObjectStore,
  type StoredContentType,
} from "../../storage/ports/object-store.ts"
import type { LinkInvalid } from "../domain/links.errors.ts"
import type { LinkCheckError } from "../domain/secure-link.ops.ts"
import { LinkScope, type SecureLink } from "../domain/secure-link.ts"
import { SecureLinks } from "../ports/secure-links.ts"

/** Tokens come from URLs: bounded text; whether it is one of ours is the port's business. */
export const LinkToken = Schema.String.check(
  Schema.isMinLength(1),
  Schema.isMaxLength(2048),
).annotate({ description: "the token of a secure link, as in its URL" })

export const OpenLinkInput = Schema.Struct({ token: LinkToken, scope: LinkScope })
export type OpenLinkInput = typeof OpenLinkInput.Encoded

type LinkError = InvalidInput | LinkInvalid | LinkCheckError | PersistenceUnavailable

/**
 * The link behind a token, if it opens `scope` now. Every action taken through a link
 * page starts here: the party and object it names are the only ones the action may touch.
 */
export const openLink: (input: unknown) => Effect.Effect<SecureLink, LinkError, SecureLinks> =
  Effect.fn("openLink")(function* (raw: unknown) {
    const input = yield* decodeInput(OpenLinkInput)(raw)
    return yield* (yield* SecureLinks).resolve(input.token, { scope: input.scope })
  })

/** What a provider's lead link shows. */
export interface LeadPage {
  readonly link: SecureLink
  readonly offer: Offer
  readonly request: Pick<ServiceRequest, "id" | "state">
  /** The lead at the stage the provider may see now; undefined once it is closed to them. */
  readonly view: LeadView | undefined
  readonly stage: DisclosureStage | undefined
  /** The offer's deadline has passed: nothing can be done on it any more. */
  readonly lapsed: boolean
}

/**
 * A provider opens their lead link. The first opening moves the offer to previewed (the
 * previewLead use case, audited); every opening shows the lead at `stageOf` the offer and
 * request, through `discloseLead`, so the page never shows a stage early.
 */
export const openLeadLink: (
  input: unknown,
) => Effect.Effect<
  LeadPage,
  | LinkError
  | OfferNotFound
  | NotOfferProvider
  | RequestNotFound
  | RequestNotDispatching
  | OfferTransitionError
  | LeadPriceMissing,
  DispatchServices
> = Effect.fn("openLeadLink")(function* (raw: unknown) {
  const input = yield* decodeInput(Schema.Struct({ token: LinkToken }))(raw)
  const link = yield* openLink({ token: input.token, scope: "lead" })
  const offerId = link.objectId as OfferId
  const providerId = link.partyId
  const offers = yield* OfferRepository
  const load = Effect.gen(function* () {
    const found = yield* offers.findById(offerId)
    if (Option.isNone(found) || found.value.providerId !== providerId) {
      return yield* new OfferNotFound({ offerId })
    }
    return found.value
  })
  let offer = yield* load
  let request = yield* loadRequest(offer.requestId)
  const deadline = offerDeadline(offer)
  const lapsed = deadline !== undefined && (yield* now) >= deadline
  if (offer.state === "offered" && !lapsed && request.state === "dispatching") {
    yield* previewLead({ offerId, providerId })
    offer = yield* load
    request = yield* loadRequest(offer.requestId)
  }
  const stage = stageOf(offer, request)
  const price = offer.creditsCharged ?? Result.getOrUndefined(priceOf(request, yield* Policy))
  const view =
    stage === undefined
      ? undefined
      : discloseLead(request, yield* customerOf(request), stage, price)
  return { link, offer, request: { id: request.id, state: request.state }, view, stage, lapsed }
})

/** A lead photo the provider may not see (yet), or that does not exist. */
export class PhotoNotShown extends Schema.TaggedError<PhotoNotShown>()("PhotoNotShown", {
  offerId: Schema.String,
  photo: Schema.Number,
}) {
  override get message() {
    return `offer ${this.offerId} shows no photo ${this.photo}`
  }
}

export const LeadPhotoInput = Schema.Struct({
  token: LinkToken,
  /** 1 for the first photo, as the page numbers them. */
  photo: Schema.NumberFromString.check(
    Schema.isInt(),
    Schema.isBetween({ minimum: 1, maximum: 100 }),
  ),
})

/**
 * A photo of the lead behind a provider's lead link, as stored. Which photos the provider
 * may see is `discloseLead`'s answer at the offer's stage, as on the page: none in the
 * preview, all once unlocked, none once the lead is closed to them. Opening a photo never
 * moves the offer (the page does that).
 */
export const openLeadPhoto: (
  input: unknown,
) => Effect.Effect<
  { readonly contentType: StoredContentType; readonly bytes: Uint8Array },
  | LinkError
  | OfferNotFound
  | RequestNotFound
  | PhotoNotShown
  | ObjectNotFound
  | PersistenceUnavailable,
  DispatchServices
> = Effect.fn("openLeadPhoto")(function* (raw: unknown) {
  const input = yield* decodeInput(LeadPhotoInput)(raw)
  const link = yield* openLink({ token: input.token, scope: "lead" })
  const offerId = link.objectId as OfferId
  const found = yield* (yield* OfferRepository).findById(offerId)
  if (Option.isNone(found) || found.value.providerId !== link.partyId) {
    return yield* new OfferNotFound({ offerId })
  }
  const offer = found.value
  const request = yield* loadRequest(offer.requestId)
  const stage = stageOf(offer, request)
  const view =
    stage === undefined
      ? undefined
      : discloseLead(request, yield* customerOf(request), stage, offer.creditsCharged)
  const key = view?.photos?.[input.photo - 1]
  if (key === undefined) return yield* new PhotoNotShown({ offerId, photo: input.photo })
  const { object, bytes } = yield* (yield* ObjectStore).get(key)
  return { contentType: object.contentType, bytes }
})

/**
 * Three times one provider proposed, for the homeowner to pick one or none. Who proposed
 * them is left out: the homeowner learns the provider's name and phone only once the
 * assignment is committed (`HandoverPage.provider`).
 */
export interface ProposalView {
  readonly offerId: OfferId
  readonly slots: ReadonlyArray<TimeWindow>
}

/** What a homeowner's handover link shows. */
export interface HandoverPage {
  readonly link: SecureLink
  readonly request: ServiceRequest
  /** Proposed times still open (their last slot has not started). */
  readonly proposals: ReadonlyArray<ProposalView>
  /** Once assigned: the provider's name and phone, and the time picked if there was one. */
  readonly provider?: {
    readonly id: PartyId
    readonly name: string
    readonly phone: Phone
    readonly chosenSlot?: TimeWindow
  }
}

/**
 * A homeowner opens their handover link: their request's state, the times providers
 * proposed (while open), and after assignment the provider's name and phone.
 */
export const openHandoverLink: (
  input: unknown,
) => Effect.Effect<HandoverPage, LinkError | RequestNotFound, DispatchServices> = Effect.fn(
  "openHandoverLink",
)(function* (raw: unknown) {
  const input = yield* decodeInput(Schema.Struct({ token: LinkToken }))(raw)
  const link = yield* openLink({ token: input.token, scope: "handover" })
  const request = yield* loadRequest(link.objectId as RequestId)
  // A handover link is issued to the request's homeowner only; anything else is not theirs.
  if (request.customerId !== link.partyId) {
    return yield* new RequestNotFound({ requestId: request.id })
  }
  const at = yield* now
  const offers = yield* (yield* OfferRepository).listForRequest(request.id)
  const proposals: Array<ProposalView> = []
  for (const offer of offers) {
    const deadline = offerDeadline(offer)
    if (offer.state !== "times_proposed" || deadline === undefined || at >= deadline) continue
    proposals.push({ offerId: offer.id, slots: offer.proposedTimes ?? [] })
  }
  let provider: HandoverPage["provider"]
  if (request.state === "assigned" && request.assignedProviderId !== undefined) {
    const party = yield* partyOf(request.assignedProviderId)
    const accepted = offers.find(
      (o) => o.providerId === party.id && o.state === "accepted",
    )?.chosenSlot
    provider = {
      id: party.id,
      name: party.profile.displayName ?? "Your provider",
      phone: party.phone,
      ...(accepted === undefined ? {} : { chosenSlot: accepted }),
    }
  }
  return { link, request, proposals, ...(provider === undefined ? {} : { provider }) }
})
