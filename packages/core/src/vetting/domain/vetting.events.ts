import type { ApplicationId, EventId, PartyId } from "../../shared/ids.ts"
import type { Instant } from "../../shared/time.ts"
import type { PartyStatus } from "./party.ts"

interface EventBase {
  readonly eventId: EventId
  readonly at: Instant
  readonly partyId: PartyId
}

/** What happened in vetting; notification policies and the audit log read these. */
export type VettingEvent =
  | (EventBase & { readonly _tag: "PartySignedUp" })
  | (EventBase & { readonly _tag: "ApplicationSubmitted"; readonly applicationId: ApplicationId })
  | (EventBase & {
      readonly _tag: "ApplicationReviewStarted"
      readonly applicationId: ApplicationId
    })
  | (EventBase & {
      readonly _tag: "BackgroundCheckRequested"
      readonly applicationId: ApplicationId
      readonly reference: string
    })
  | (EventBase & {
      readonly _tag: "BackgroundCheckRecorded"
      readonly applicationId: ApplicationId
      readonly result: "passed" | "failed"
    })
  | (EventBase & { readonly _tag: "ApplicationApproved"; readonly applicationId: ApplicationId })
  | (EventBase & {
      readonly _tag: "ApplicationRejected"
      readonly applicationId: ApplicationId
      readonly reason: string
      readonly reapplyAfter?: Instant
    })
  | (EventBase & {
      readonly _tag: "PartyStatusChanged"
      readonly from: PartyStatus
      readonly to: PartyStatus
      readonly reason: string
    })

/** An event before it gets its id: what the pure rules return. */
export type VettingEventData = VettingEvent extends infer E
  ? E extends VettingEvent
    ? Omit<E, "eventId">
    : never
  : never
