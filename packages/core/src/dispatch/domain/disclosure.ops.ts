import type { Urgency } from "../../policy/policy.ts"
import type { RequestId } from "../../shared/ids.ts"
import type { Phone } from "../../shared/phone.ts"
import type { Party } from "../../vetting/domain/party.ts"
import type { Offer } from "./offer.ts"
import type { Availability, GeoPoint, RequestMode, ServiceRequest } from "./service-request.ts"

/** What a provider may see of a request, in order: each stage adds to the one before. */
export type DisclosureStage = "preview" | "unlocked" | "assigned"

export const disclosureStages: ReadonlyArray<DisclosureStage> = ["preview", "unlocked", "assigned"]

/**
 * A lead as one provider sees it. Fields are absent, not empty, before their stage, so a
 * rendered or serialized view cannot leak what it does not hold.
 * - preview: category, area, urgency, availability, mode, price (and, for a virtual
 *   consultation, its length and amount). No description either: homeowners type phone
 *   numbers and addresses into it.
 * - unlocked: + the full description (the homeowner's number masked in it) and the photos
 *   (they may show faces and houses).
 * - assigned: + the homeowner's name and phone, the street address and the map point.
 */
export interface LeadView {
  readonly stage: DisclosureStage
  readonly requestId: RequestId
  readonly category: string
  readonly area: string
  readonly urgency: Urgency
  readonly availability: Availability
  readonly mode: RequestMode
  /** The lead price in credits, where the marketplace sells leads. */
  readonly priceCredits?: number
  readonly estimatedMinutes?: number
  readonly totalAmountMinor?: bigint
  readonly description?: string
  readonly photos?: ReadonlyArray<string>
  readonly customerName?: string
  readonly customerPhone?: Phone
  readonly street?: string
  readonly point?: GeoPoint
}

/**
 * Homeowners type their number into the description; until assignment it is hidden there
 * too, as written in full (+27...) or without the plus. Other spellings are not caught.
 */
const redactPhone = (text: string, phone: Phone): string =>
  text
    .replaceAll(phone, "[number shared on assignment]")
    .replaceAll(phone.slice(1), "[number shared on assignment]")

/**
 * The lead at `stage`. `priceCredits` is the lead price when the marketplace sells leads
 * (see `leadPrice` in dispatch.ops.ts), left out otherwise.
 */
export const discloseLead = (
  request: ServiceRequest,
  customer: Party,
  stage: DisclosureStage,
  priceCredits?: number,
): LeadView => {
  const preview: LeadView = {
    stage,
    requestId: request.id,
    category: request.category,
    area: request.location.area,
    urgency: request.urgency,
    availability: request.availability,
    mode: request.mode,
    ...(priceCredits === undefined ? {} : { priceCredits }),
    ...(request.estimatedMinutes === undefined
      ? {}
      : { estimatedMinutes: request.estimatedMinutes }),
    ...(request.totalAmountMinor === undefined
      ? {}
      : { totalAmountMinor: request.totalAmountMinor }),
  }
  if (stage === "preview") return preview
  const unlocked: LeadView = {
    ...preview,
    description:
      stage === "assigned" ? request.description : redactPhone(request.description, customer.phone),
    photos: request.photos,
  }
  if (stage === "unlocked") return unlocked
  const name = customer.profile.displayName
  const { street, point } = request.location
  return {
    ...unlocked,
    customerPhone: customer.phone,
    ...(name === undefined ? {} : { customerName: name }),
    ...(street === undefined ? {} : { street }),
    ...(point === undefined ? {} : { point }),
  }
}

/**
 * The stage the offer's provider may see now, or undefined for nothing at all:
 * - assigned: the request is assigned to this provider (through this accepted offer);
 * - unlocked: the provider has paid and still holds the lead (unlocked, proposed times, or
 *   accepted while the assignment is being committed) and the request is still dispatching;
 * - preview: the offer is open and not unlocked, and the request is still dispatching;
 * - nothing: the offer was declined or expired, the request went to someone else, or it
 *   left dispatching (cancelled, unfulfilled) — a closed lead shows no details.
 */
export const stageOf = (offer: Offer, request: ServiceRequest): DisclosureStage | undefined => {
  if (offer.requestId !== request.id) return undefined
  if (request.state === "assigned") {
    return request.assignedProviderId === offer.providerId && offer.state === "accepted"
      ? "assigned"
      : undefined
  }
  if (request.state !== "dispatching") return undefined
  switch (offer.state) {
    case "offered":
    case "previewed":
      return "preview"
    case "unlocked":
    case "times_proposed":
    case "accepted":
      return "unlocked"
    default:
      return undefined
  }
}
