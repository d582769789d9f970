import { Schema } from "effect"
import { refusalMessage } from "../../shared/refusals.ts"

export class PartyNotFound extends Schema.TaggedError<PartyNotFound>()("PartyNotFound", {
  partyId: Schema.String,
}) {
  override get message() {
    return `no party with id ${this.partyId}`
  }
}

export class ApplicationNotFound extends Schema.TaggedError<ApplicationNotFound>()(
  "ApplicationNotFound",
  { applicationId: Schema.String },
) {
  override get message() {
    return `no application with id ${this.applicationId}`
  }
}

export class PhoneAlreadyRegistered extends Schema.TaggedError<PhoneAlreadyRegistered>()(
  "PhoneAlreadyRegistered",
  { phone: Schema.String, partyId: Schema.String },
) {
  override get message() {
    return `${this.phone} is already registered (party ${this.partyId})`
  }
}

/** A command the state machine does not allow from the current state. */
export class TransitionNotAllowed extends Schema.TaggedError<TransitionNotAllowed>()(
  "TransitionNotAllowed",
  {
    entity: Schema.Literals(["application", "party", "top_up", "request", "subscription"]),
    id: Schema.String,
    from: Schema.String,
    command: Schema.String,
    /** States from which the command would be allowed, to tell people what to do. */
    allowedFrom: Schema.Array(Schema.String),
  },
) {
  /** In words (shared/refusals.ts); `command` and `allowedFrom` stay the machine's names. */
  override get message() {
    return refusalMessage(this)
  }
}

/** A failed background check locks the applicant out until `until` (epoch ms). */
export class ReapplyLockedOut extends Schema.TaggedError<ReapplyLockedOut>()("ReapplyLockedOut", {
  partyId: Schema.String,
  until: Schema.Number,
}) {
  override get message() {
    return `party ${this.partyId} may apply again from ${new Date(this.until).toISOString()}`
  }
}

export class ApplicationAlreadyOpen extends Schema.TaggedError<ApplicationAlreadyOpen>()(
  "ApplicationAlreadyOpen",
  { applicationId: Schema.String, state: Schema.String },
) {
  override get message() {
    return `application ${this.applicationId} is still open (${this.state})`
  }
}

export class ProfileIncomplete extends Schema.TaggedError<ProfileIncomplete>()(
  "ProfileIncomplete",
  {
    completeness: Schema.Number,
    minimum: Schema.Number,
    missing: Schema.Array(Schema.String),
  },
) {
  override get message() {
    return `profile is ${this.completeness}% complete, ${this.minimum}% needed; missing: ${this.missing.join(", ")}`
  }
}

/** Approval needs a passed background check when the policy requires one. */
export class BackgroundCheckNotPassed extends Schema.TaggedError<BackgroundCheckNotPassed>()(
  "BackgroundCheckNotPassed",
  { applicationId: Schema.String, result: Schema.String },
) {
  override get message() {
    return `application ${this.applicationId} needs a passed background check before approval (now: ${this.result})`
  }
}

export class NothingToReapply extends Schema.TaggedError<NothingToReapply>()("NothingToReapply", {
  partyId: Schema.String,
}) {
  override get message() {
    return `party ${this.partyId} has no rejected application to re-apply after`
  }
}

/** The background-check service could not take the request; nothing changed. */
export class BackgroundCheckUnavailable extends Schema.TaggedError<BackgroundCheckUnavailable>()(
  "BackgroundCheckUnavailable",
  { detail: Schema.String },
) {
  override get message() {
    return `the background-check service is unavailable: ${this.detail}`
  }
}

/** An approved party stays approved: there is nothing to apply for again. */
export class AlreadyApproved extends Schema.TaggedError<AlreadyApproved>()("AlreadyApproved", {
  partyId: Schema.String,
  applicationId: Schema.String,
}) {
  override get message() {
    return `party ${this.partyId} is already approved (application ${this.applicationId})`
  }
}

/** A vetted party becomes active only with an approved application. */
export class ApprovalRequired extends Schema.TaggedError<ApprovalRequired>()("ApprovalRequired", {
  partyId: Schema.String,
  /** The state of the party's latest application, or "none". */
  applicationState: Schema.String,
}) {
  override get message() {
    return `party ${this.partyId} needs an approved application to be active (latest application: ${this.applicationState})`
  }
}

/** The policy does not vet this kind of party, so it has nothing to apply for. */
export class VettingNotRequired extends Schema.TaggedError<VettingNotRequired>()(
  "VettingNotRequired",
  { partyId: Schema.String, kind: Schema.String },
) {
  override get message() {
    return `party ${this.partyId} is a ${this.kind}, and this marketplace does not vet ${this.kind}s`
  }
}
