import { Effect, Random, Schema } from "effect"

/** Ids are text: a short prefix naming the kind of thing, then 20 random base-32 characters. */
const idText = (prefix: string) =>
  Schema.String.check(
    Schema.isPattern(new RegExp(`^${prefix}_[0-9a-hjkmnp-tv-z]{20}$`, "u"), {
      message: `must be a ${prefix}_… id`,
    }),
  )

export const PartyId = idText("pty").pipe(Schema.brand("PartyId"))
export type PartyId = typeof PartyId.Type
export const ApplicationId = idText("app").pipe(Schema.brand("ApplicationId"))
export type ApplicationId = typeof ApplicationId.Type
export const MessageId = idText("msg").pipe(Schema.brand("MessageId"))
export type MessageId = typeof MessageId.Type
export const AuditId = idText("aud").pipe(Schema.brand("AuditId"))
export type AuditId = typeof AuditId.Type
export const EventId = idText("evt").pipe(Schema.brand("EventId"))
export type EventId = typeof EventId.Type

// Crockford's base 32, lower case: no i, l, o, u.
const alphabet = "0123456789abcdefghjkmnpqrstvwxyz"

/** A fresh random id from Effect's Random service, so tests can seed it. */
export const randomId = <A extends string>(prefix: string): Effect.Effect<A> =>
  Effect.gen(function* () {
    let body = ""
    for (let i = 0; i < 20; i++) body += alphabet[yield* Random.nextIntBetween(0, 31)]
    return `${prefix}_${body}` as A
  })

export const newPartyId = randomId<PartyId>("pty")
export const newApplicationId = randomId<ApplicationId>("app")
export const newMessageId = randomId<MessageId>("msg")
export const newAuditId = randomId<AuditId>("aud")
export const newEventId = randomId<EventId>("evt")

export const TopUpId = idText("tpu").pipe(Schema.brand("TopUpId"))
export type TopUpId = typeof TopUpId.Type
export const newTopUpId = randomId<TopUpId>("tpu")

export const RequestId = idText("req").pipe(Schema.brand("RequestId"))
export type RequestId = typeof RequestId.Type
export const newRequestId = randomId<RequestId>("req")
export const OfferId = idText("ofr").pipe(Schema.brand("OfferId"))
export type OfferId = typeof OfferId.Type
export const newOfferId = randomId<OfferId>("ofr")
export const LeadRefundId = idText("lrf").pipe(Schema.brand("LeadRefundId"))
export type LeadRefundId = typeof LeadRefundId.Type
export const newLeadRefundId = randomId<LeadRefundId>("lrf")

export const LinkId = idText("lnk").pipe(Schema.brand("LinkId"))
export type LinkId = typeof LinkId.Type
export const newLinkId = randomId<LinkId>("lnk")

export const SubscriptionId = idText("sub").pipe(Schema.brand("SubscriptionId"))
export type SubscriptionId = typeof SubscriptionId.Type
export const newSubscriptionId = randomId<SubscriptionId>("sub")
export const PaymentId = idText("pay").pipe(Schema.brand("PaymentId"))
export type PaymentId = typeof PaymentId.Type
export const newPaymentId = randomId<PaymentId>("pay")
