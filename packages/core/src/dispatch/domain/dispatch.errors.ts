import { Schema } from "effect"
import { refusalMessage } from "../../shared/refusals.ts"
import { ExpiryCause } from "./offer.ts"

const iso = (ms: number) => new Date(ms).toISOString()

/** A command the offer table does not allow from the offer's state. */
export class OfferTransitionNotAllowed extends Schema.TaggedError<OfferTransitionNotAllowed>()(
  "OfferTransitionNotAllowed",
  {
    offerId: Schema.String,
    from: Schema.String,
    command: Schema.String,
    /** States from which the command would be allowed, to tell people what to do. */
    allowedFrom: Schema.Array(Schema.String),
    /**
     * Why an expired offer expired: its own deadline (ttl, hold, slots_passed) or closed by
     * dispatch (withdrawn: assigned elsewhere, cancelled, provider unreachable). People are
     * told "it expired" and "it is no longer available" apart.
     */
    expiryCause: Schema.optionalKey(ExpiryCause),
  },
) {
  /** In words (shared/refusals.ts); `command` and `allowedFrom` stay the machine's names. */
  override get message() {
    const from =
      this.expiryCause === undefined
        ? this.from
        : `${this.from} (${expiryCausePhrases[this.expiryCause]})`
    return refusalMessage({ ...this, from, entity: "offer", id: this.offerId })
  }
}

/** Why an offer expired, in words. */
export const expiryCausePhrases: { readonly [C in ExpiryCause]: string } = {
  ttl: "its time to answer ran out",
  hold: "the unlock hold ran out",
  slots_passed: "the proposed times passed",
  withdrawn: "withdrawn: the request was given to another provider or closed",
}

/** The offer ran out on its own (not closed by dispatch), so it expired for its provider. */
export const expiredOnItsOwn = (cause: ExpiryCause | undefined): boolean =>
  cause !== undefined && cause !== "withdrawn"

/** The provider acted at or after the offer's deadline (time-to-live or unlock hold). */
export class OfferLapsed extends Schema.TaggedError<OfferLapsed>()("OfferLapsed", {
  offerId: Schema.String,
  deadline: Schema.Number,
}) {
  override get message() {
    return `offer ${this.offerId} lapsed at ${iso(this.deadline)}`
  }
}

/** The scheduler tried to expire an offer before its deadline. */
export class OfferNotDue extends Schema.TaggedError<OfferNotDue>()("OfferNotDue", {
  offerId: Schema.String,
  deadline: Schema.Number,
}) {
  override get message() {
    return `offer ${this.offerId} does not expire before ${iso(this.deadline)}`
  }
}

export class WrongNumberOfSlots extends Schema.TaggedError<WrongNumberOfSlots>()(
  "WrongNumberOfSlots",
  { count: Schema.Number },
) {
  override get message() {
    return `propose exactly three times, not ${this.count}`
  }
}

export class SlotEndsBeforeStart extends Schema.TaggedError<SlotEndsBeforeStart>()(
  "SlotEndsBeforeStart",
  { index: Schema.Number },
) {
  override get message() {
    return `proposed time ${this.index + 1} must end after it starts`
  }
}

export class SlotNotInFuture extends Schema.TaggedError<SlotNotInFuture>()("SlotNotInFuture", {
  index: Schema.Number,
  start: Schema.Number,
}) {
  override get message() {
    return `proposed time ${this.index + 1} (${iso(this.start)}) is not in the future`
  }
}

/** A proposed time ends further ahead than anyone plans a visit (`maxDaysAhead`). */
export class SlotTooFarAhead extends Schema.TaggedError<SlotTooFarAhead>()("SlotTooFarAhead", {
  index: Schema.Number,
  end: Schema.Number,
  latest: Schema.Number,
}) {
  override get message() {
    return `proposed time ${this.index + 1} ends ${iso(this.end)}, after the latest allowed, ${iso(this.latest)}`
  }
}

/**
 * A proposed time shorter or longer than a visit can sensibly be (`proposedSlotMinutes`): a
 * one-minute or three-day "time" tells the homeowner nothing about when to be home.
 */
export class SlotLengthOutOfBounds extends Schema.TaggedError<SlotLengthOutOfBounds>()(
  "SlotLengthOutOfBounds",
  {
    index: Schema.Number,
    minutes: Schema.Number,
    min: Schema.Number,
    max: Schema.Number,
  },
) {
  override get message() {
    return `proposed time ${this.index + 1} lasts ${this.minutes} minutes; each time must last from ${this.min} minutes to ${this.max / 60} hours`
  }
}

export class DuplicateSlots extends Schema.TaggedError<DuplicateSlots>()("DuplicateSlots", {
  first: Schema.Number,
  second: Schema.Number,
}) {
  override get message() {
    return `proposed times ${this.first + 1} and ${this.second + 1} are the same`
  }
}

export class OverlappingSlots extends Schema.TaggedError<OverlappingSlots>()("OverlappingSlots", {
  first: Schema.Number,
  second: Schema.Number,
}) {
  override get message() {
    return `proposed times ${this.first + 1} and ${this.second + 1} overlap`
  }
}

export type ProposedTimesInvalid =
  | WrongNumberOfSlots
  | SlotEndsBeforeStart
  | SlotNotInFuture
  | SlotTooFarAhead
  | SlotLengthOutOfBounds
  | DuplicateSlots
  | OverlappingSlots

/** The homeowner picked a slot that was not proposed or has already started. */
export class SlotUnavailable extends Schema.TaggedError<SlotUnavailable>()("SlotUnavailable", {
  offerId: Schema.String,
  slot: Schema.Number,
}) {
  override get message() {
    return `time ${this.slot + 1} of offer ${this.offerId} cannot be chosen`
  }
}

/** The policy prices neither this category nor "*". */
export class LeadPriceMissing extends Schema.TaggedError<LeadPriceMissing>()("LeadPriceMissing", {
  category: Schema.String,
  urgency: Schema.String,
}) {
  override get message() {
    return `the policy has no lead price for ${this.category} (${this.urgency}) and no "*" price`
  }
}

export const IneligibleReason = Schema.Literals([
  "not_lead_eligible",
  "cohort",
  "unreachable",
  "category",
  "area",
  "unavailable",
  "already_offered",
  "capacity",
  "budget",
])
export type IneligibleReason = typeof IneligibleReason.Type

/** Each ineligibility reason in words, for the refusal's message (the tag stays for clients). */
export const ineligibleReasonPhrases: Record<IneligibleReason, string> = {
  not_lead_eligible: "not cleared to receive leads",
  cohort: "in the other cohort (live and test never meet)",
  unreachable: "not reachable on WhatsApp",
  category: "not offering this kind of work",
  area: "not working in this area",
  unavailable: "not available then",
  already_offered: "already offered this request",
  capacity: "at full capacity",
  budget: "over budget",
}

/** Why matching will not offer this request to this provider. */
export class ProviderIneligible extends Schema.TaggedError<ProviderIneligible>()(
  "ProviderIneligible",
  { providerId: Schema.String, reason: IneligibleReason, detail: Schema.String },
) {
  override get message() {
    return `provider ${this.providerId} is not eligible, ${ineligibleReasonPhrases[this.reason]}: ${this.detail}`
  }
}

/** Acceptance handover gate: the request already has its provider. */
export class LeadAlreadyAssigned extends Schema.TaggedError<LeadAlreadyAssigned>()(
  "LeadAlreadyAssigned",
  { requestId: Schema.String, assignedProviderId: Schema.String },
) {
  override get message() {
    return `request ${this.requestId} is already assigned to ${this.assignedProviderId}`
  }
}

/** Offers are made and taken only while the request is dispatching. */
export class RequestNotDispatching extends Schema.TaggedError<RequestNotDispatching>()(
  "RequestNotDispatching",
  {
    requestId: Schema.String,
    state: Schema.String,
    /** The states the refused action takes, in words, when not only dispatching. */
    needs: Schema.optionalKey(Schema.String),
  },
) {
  override get message() {
    return `request ${this.requestId} is ${this.state}, not ${this.needs ?? "dispatching"}`
  }
}

/** The policy's unlocks per lead are all taken. */
export class UnlockCapReached extends Schema.TaggedError<UnlockCapReached>()("UnlockCapReached", {
  requestId: Schema.String,
  cap: Schema.Number,
}) {
  override get message() {
    return `request ${this.requestId} has been unlocked by ${this.cap} provider(s) already, the most allowed`
  }
}

export class OfferNotFound extends Schema.TaggedError<OfferNotFound>()("OfferNotFound", {
  offerId: Schema.String,
}) {
  override get message() {
    return `no offer ${this.offerId}`
  }
}

/** A provider acted on an offer made to someone else. */
export class NotOfferProvider extends Schema.TaggedError<NotOfferProvider>()("NotOfferProvider", {
  offerId: Schema.String,
  partyId: Schema.String,
}) {
  override get message() {
    return `offer ${this.offerId} was not made to ${this.partyId}`
  }
}

/** Leads are unlocked with credits only where the marketplace sells them. */
export class LeadsNotSold extends Schema.TaggedError<LeadsNotSold>()("LeadsNotSold", {
  model: Schema.String,
}) {
  override get message() {
    return `this marketplace (${this.model}) does not sell leads for credits`
  }
}
