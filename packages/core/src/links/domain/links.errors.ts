import { Schema } from "effect"

const iso = (ms: number) => new Date(ms).toISOString()

/** The token is not one we issued: malformed, tampered with, or signed with another key. */
export class LinkInvalid extends Schema.TaggedError<LinkInvalid>()("LinkInvalid", {
  reason: Schema.String,
}) {
  override get message() {
    return `this link is not valid (${this.reason})`
  }
}

export class LinkExpired extends Schema.TaggedError<LinkExpired>()("LinkExpired", {
  linkId: Schema.String,
  expiresAt: Schema.Number,
}) {
  override get message() {
    return `link ${this.linkId} expired at ${iso(this.expiresAt)}`
  }
}

export class LinkRevoked extends Schema.TaggedError<LinkRevoked>()("LinkRevoked", {
  linkId: Schema.String,
  revokedAt: Schema.Number,
}) {
  override get message() {
    return `link ${this.linkId} was revoked at ${iso(this.revokedAt)}`
  }
}

/** A valid link used for something it does not open (another page, another party). */
export class LinkScopeMismatch extends Schema.TaggedError<LinkScopeMismatch>()(
  "LinkScopeMismatch",
  { linkId: Schema.String, expected: Schema.String, actual: Schema.String },
) {
  override get message() {
    return `link ${this.linkId} opens ${this.actual}, not ${this.expected}`
  }
}

/** Ops named a link id that does not exist. */
export class LinkNotFound extends Schema.TaggedError<LinkNotFound>()("LinkNotFound", {
  linkId: Schema.String,
}) {
  override get message() {
    return `no link ${this.linkId}`
  }
}
