import { Schema } from "effect"
import { Urgency } from "../../policy/policy.ts"
import { PartyId, RequestId } from "../../shared/ids.ts"
import { Instant } from "../../shared/time.ts"
import { Channel, Cohort } from "../../vetting/domain/party.ts"

export const RequestState = Schema.Literals([
  "submitted",
  "needs_clarification",
  "ready",
  "dispatching",
  "assigned",
  "unfulfilled",
  "cancelled",
])
export type RequestState = typeof RequestState.Type

export const RequestMode = Schema.Literals(["virtual", "in_person"])
export type RequestMode = typeof RequestMode.Type

/** A point on the map, WGS 84 degrees. */
export const GeoPoint = Schema.Struct({
  lat: Schema.Number.check(Schema.isBetween({ minimum: -90, maximum: 90 })),
  lng: Schema.Number.check(Schema.isBetween({ minimum: -180, maximum: 180 })),
})
export type GeoPoint = typeof GeoPoint.Type

export const RequestLocation = Schema.Struct({
  /** The area code providers cover, e.g. "soweto". */
  area: Schema.String,
  point: Schema.optionalKey(GeoPoint),
  /** Street address: disclosed to the assigned provider only. */
  street: Schema.optionalKey(Schema.String),
})
export type RequestLocation = typeof RequestLocation.Type

/** When the homeowner can receive help: `now`, or one or more windows. */
export const TimeWindow = Schema.Struct({ start: Instant, end: Instant })
export type TimeWindow = typeof TimeWindow.Type

export const Availability = Schema.Union([
  Schema.TaggedStruct("now", {}),
  Schema.TaggedStruct("windows", { windows: Schema.Array(TimeWindow) }),
])
export type Availability = typeof Availability.Type

export const ServiceRequest = Schema.Struct({
  id: RequestId,
  customerId: PartyId,
  category: Schema.String,
  description: Schema.String,
  location: RequestLocation,
  mode: RequestMode,
  urgency: Urgency,
  availability: Availability,
  /** Virtual consultations: expected length in minutes and the total the homeowner pays. */
  estimatedMinutes: Schema.optionalKey(Schema.Number),
  totalAmountMinor: Schema.optionalKey(Schema.BigInt),
  /** Object-store keys of photos (may show faces: disclosed from `unlocked` on). */
  photos: Schema.Array(Schema.String),
  channel: Channel,
  cohort: Cohort,
  state: RequestState,
  /** The latest question ops asked the homeowner, while needs_clarification. */
  clarificationQuestion: Schema.optionalKey(Schema.String),
  cancellationReason: Schema.optionalKey(Schema.String),
  assignedProviderId: Schema.optionalKey(PartyId),
  createdAt: Instant,
  updatedAt: Instant,
})
export type ServiceRequest = typeof ServiceRequest.Type
