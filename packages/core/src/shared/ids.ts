import { Effect, Random, Schema } from "effect"

// Crockford's base 32, lower case: no i, l, o, u.
const alphabet = "0123456789abcdefghjkmnpqrstvwxyz"
const idBodyLength = 20

/**
 * What a malformed id is told, for people who paste ids by hand: the kind of thing, its
 * prefix and the shape of the rest, so a typo ("req_" and 19 characters) is told apart
 * from an id of another kind ("pty_…" where a request is meant).
 */
export const idFormatMessage = (prefix: string, kind: string): string =>
  `must be ${/^[aeiou]/.test(kind) ? "an" : "a"} ${kind} id: "${prefix}_" then ${idBodyLength} letters and digits (lower case, no i, l, o or u)`

/** Ids are text: a short prefix naming the kind of thing, then 20 random base-32 characters. */
const idText = (prefix: string, kind: string) =>
  Schema.String.check(
    Schema.isPattern(new RegExp(`^${prefix}_[0-9a-hjkmnp-tv-z]{${idBodyLength}}$`, "u"), {
      message: idFormatMessage(prefix, kind),
    }),
  )

export const PartyId = idText("pty", "party").pipe(Schema.brand("PartyId"))
export type PartyId = typeof PartyId.Type
export const ApplicationId = idText("app", "application").pipe(Schema.brand("ApplicationId"))
export type ApplicationId = typeof ApplicationId.Type
export const MessageId = idText("msg", "message").pipe(Schema.brand("MessageId"))
export type MessageId = typeof MessageId.Type
export const AuditId = idText("aud", "audit entry").pipe(Schema.brand("AuditId"))
export type AuditId = typeof AuditId.Type
export const EventId = idText("evt", "event").pipe(Schema.brand("EventId"))
export type EventId = typeof EventId.Type

/** A fresh random id from Effect's Random service, so tests can seed it. */
export const randomId = <A extends string>(prefix: string): Effect.Effect<A> =>
  Effect.gen(function* () {
    let body = ""
    for (let i = 0; i < idBodyLength; i++) body += alphabet[yield* Random.nextIntBetween(0, 31)]
    return `${prefix}_${body}` as A
  })

export const newPartyId = randomId<PartyId>("pty")
export const newApplicationId = randomId<ApplicationId>("app")
export const newMessageId = randomId<MessageId>("msg")
export const newAuditId = randomId<AuditId>("aud")
export const newEventId = randomId<EventId>("evt")

export const TopUpId = idText("tpu", "top-up").pipe(Schema.brand("TopUpId"))
export type TopUpId = typeof TopUpId.Type
export const newTopUpId = randomId<TopUpId>("tpu")

export const RequestId = idText("req", "request").pipe(Schema.brand("RequestId"))
export type RequestId = typeof RequestId.Type
export const newRequestId = randomId<RequestId>("req")
export const OfferId = idText("ofr", "offer").pipe(Schema.brand("OfferId"))
export type OfferId = typeof OfferId.Type
export const newOfferId = randomId<OfferId>("ofr")
export const LeadRefundId = idText("lrf", "refund claim").pipe(Schema.brand("LeadRefundId"))
export type LeadRefundId = typeof LeadRefundId.Type
export const newLeadRefundId = randomId<LeadRefundId>("lrf")

export const LinkId = idText("lnk", "link").pipe(Schema.brand("LinkId"))
export type LinkId = typeof LinkId.Type
export const newLinkId = randomId<LinkId>("lnk")

export const SubscriptionId = idText("sub", "subscription").pipe(Schema.brand("SubscriptionId"))
export type SubscriptionId = typeof SubscriptionId.Type
export const newSubscriptionId = randomId<SubscriptionId>("sub")
export const PaymentId = idText("pay", "payment").pipe(Schema.brand("PaymentId"))
export type PaymentId = typeof PaymentId.Type
export const newPaymentId = randomId<PaymentId>("pay")
