import { Schema } from "effect"
import { Urgency } from "../../policy/policy.ts"
import { PartyId, RequestId } from "../../shared/ids.ts"
import { Text } from "../../shared/text.ts"
import { Channel, Cohort } from "../../vetting/domain/party.ts"
import { OperatorName, Reason } from "../../vetting/use-cases/inputs.ts"
import { GeoPoint, RequestMode, RequestState } from "../domain/service-request.ts"

/**
 * Input schemas of the request use cases: the HTTP API and the CLI validate with these,
 * and the use cases decode with them again, so every entrance gets the same rules.
 */

const Slug = Schema.String.check(
  Schema.isPattern(/^[a-z0-9][a-z0-9-]{0,39}$/u, {
    message: "must be a lower-case slug such as plumbing",
  }),
)

/** A time as epoch milliseconds or ISO-8601 text with a zone ("2026-03-02T08:00:00Z"). */
export const TimeInput = Schema.Union([
  Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 8.64e15 })),
  Schema.String.check(
    Schema.isPattern(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/u, {
      message: "must be an ISO-8601 time with a zone, such as 2026-03-02T08:00:00Z",
    }),
  ),
])
export type TimeInput = typeof TimeInput.Type

/** An object-store key: path segments of letters, digits, dot, dash and underscore. */
export const PhotoKey = Schema.String.check(
  Schema.isPattern(/^(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/u, {
    message: "must be an object-store key such as photos/2026/03/leak.jpg",
  }),
  Schema.isMaxLength(300),
)

export const maxPhotos = 10

/** Money in minor units, as a bigint or a string of digits (JSON has no bigint). */
const MinorUnits = Schema.Union([
  Schema.BigInt,
  Schema.String.check(
    Schema.isPattern(/^[0-9]{1,18}$/u, { message: "must be a whole number of minor units" }),
  ),
])

export const SubmitRequestInput = Schema.Struct({
  customerId: PartyId,
  category: Slug,
  description: Text(10, 2000),
  location: Schema.Struct({
    area: Slug,
    point: Schema.optionalKey(GeoPoint),
    street: Schema.optionalKey(Text(1, 300)),
  }),
  mode: RequestMode,
  urgency: Urgency,
  /** "now", or the windows in which the homeowner can receive help. */
  availability: Schema.Union([
    Schema.Literal("now"),
    Schema.Array(Schema.Struct({ start: TimeInput, end: TimeInput })),
  ]),
  /** Virtual consultations only: the expected length and what the homeowner pays. */
  estimatedMinutes: Schema.optionalKey(
    Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 5, maximum: 480 })),
  ),
  totalAmountMinor: Schema.optionalKey(MinorUnits),
  photos: Schema.optionalKey(Schema.Array(PhotoKey).check(Schema.isMaxLength(maxPhotos))),
  /** Where the request came in; the homeowner's own channel when left out. */
  channel: Schema.optionalKey(Channel),
})
export type SubmitRequestInput = typeof SubmitRequestInput.Encoded

export const RequestRef = Schema.Struct({ requestId: RequestId })
export type RequestRef = typeof RequestRef.Encoded

export const AskClarificationInput = Schema.Struct({
  requestId: RequestId,
  operator: OperatorName,
  question: Text(1, 1000),
})
export type AskClarificationInput = typeof AskClarificationInput.Encoded

export const AnswerClarificationInput = Schema.Struct({
  requestId: RequestId,
  customerId: PartyId,
  text: Text(1, 2000),
})
export type AnswerClarificationInput = typeof AnswerClarificationInput.Encoded

export const MarkReadyInput = Schema.Struct({
  requestId: RequestId,
  operator: OperatorName,
  reason: Schema.optionalKey(Reason),
})
export type MarkReadyInput = typeof MarkReadyInput.Encoded

/** Ops (`operator`) or the homeowner (`customerId`) cancel: exactly one of the two. */
export const CancelRequestInput = Schema.Struct({
  requestId: RequestId,
  reason: Reason,
  operator: Schema.optionalKey(OperatorName),
  customerId: Schema.optionalKey(PartyId),
})
export type CancelRequestInput = typeof CancelRequestInput.Encoded

const Limit = Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 1, maximum: 1000 }))

export const ListRequestsInput = Schema.Struct({
  states: Schema.optionalKey(Schema.Array(RequestState)),
  customerId: Schema.optionalKey(PartyId),
  cohort: Schema.optionalKey(Cohort),
  limit: Schema.optionalKey(Limit),
})
export type ListRequestsInput = typeof ListRequestsInput.Encoded
