import * as fc from "fast-check"
import type { Urgency } from "../../policy/policy.ts"
import type { PartyId, RequestId } from "../../shared/ids.ts"
import {
  arbInstant,
  arbOperatorName,
  arbPartyId,
  arbText,
} from "../../shared/testing/shared.arbitraries.ts"
import type { Instant } from "../../shared/time.ts"
import type { Channel, Cohort } from "../../vetting/domain/party.ts"
import { arbSlug } from "../../vetting/testing/vetting.arbitraries.ts"
import type { RequestCommand } from "../domain/service-request.ops.ts"
import type {
  Availability,
  RequestMode,
  RequestState,
  ServiceRequest,
} from "../domain/service-request.ts"

const idChar = fc.constantFrom(..."0123456789abcdefghjkmnpqrstvwxyz")

export const arbRequestId: fc.Arbitrary<RequestId> = fc
  .array(idChar, { minLength: 20, maxLength: 20 })
  .map((body) => `req_${body.join("")}` as RequestId)

export const requestStateList: ReadonlyArray<RequestState> = [
  "submitted",
  "needs_clarification",
  "ready",
  "dispatching",
  "assigned",
  "unfulfilled",
  "cancelled",
]
export const arbRequestState: fc.Arbitrary<RequestState> = fc.constantFrom(...requestStateList)
export const arbRequestMode: fc.Arbitrary<RequestMode> = fc.constantFrom("virtual", "in_person")
export const arbUrgency: fc.Arbitrary<Urgency> = fc.constantFrom(
  "low",
  "normal",
  "urgent",
  "emergency",
)
const arbCohort: fc.Arbitrary<Cohort> = fc.constantFrom("live", "test")
const arbChannel: fc.Arbitrary<Channel> = fc.constantFrom("whatsapp", "web", "api", "ops")

/** `now`, or 1 to 5 windows that each end after they start. */
export const arbAvailability: fc.Arbitrary<Availability> = fc.oneof(
  fc.constant({ _tag: "now" } as const),
  fc
    .array(
      fc
        .tuple(arbInstant, fc.integer({ min: 1, max: 7 * 86_400_000 }))
        .map(([start, length]) => ({ start, end: (start + length) as Instant })),
      { minLength: 1, maxLength: 5 },
    )
    .map((windows) => ({ _tag: "windows", windows }) as const),
)

/** Object-store keys of photos, as an upload would name them. */
export const arbPhotoKey: fc.Arbitrary<string> = fc
  .stringMatching(/^[0-9a-f]{64}$/)
  .map((hash) => `photos/2026/03/${hash}.jpg`)

export interface ServiceRequestOptions {
  readonly id?: RequestId
  readonly customerId?: PartyId
  readonly state?: RequestState
}

/**
 * A request whose fields fit its state and mode: estimated minutes and a total for
 * virtual ones only, a question while needs_clarification, a reason once cancelled, a
 * provider once assigned. Totals go past 2^53 so bigints must survive storage.
 */
export const arbServiceRequest = (
  options: ServiceRequestOptions = {},
): fc.Arbitrary<ServiceRequest> =>
  fc
    .record({
      id: options.id === undefined ? arbRequestId : fc.constant(options.id),
      customerId: options.customerId === undefined ? arbPartyId : fc.constant(options.customerId),
      category: arbSlug,
      description: arbText(300),
      area: arbSlug,
      point: fc.option(
        fc.record({
          lat: fc
            .double({ min: -90, max: 90, noNaN: true, noDefaultInfinity: true })
            .map((x) => x + 0),
          lng: fc
            .double({ min: -180, max: 180, noNaN: true, noDefaultInfinity: true })
            .map((x) => x + 0),
        }),
        { nil: undefined },
      ),
      street: fc.option(arbText(120), { nil: undefined }),
      mode: arbRequestMode,
      urgency: arbUrgency,
      availability: arbAvailability,
      estimatedMinutes: fc.integer({ min: 5, max: 480 }),
      totalAmountMinor: fc.oneof(
        fc.bigInt({ min: 1n, max: 1_000_000n }),
        fc.bigInt({ min: 2n ** 53n, max: 10n ** 18n - 1n }),
      ),
      photos: fc.array(arbPhotoKey, { maxLength: 3 }),
      channel: arbChannel,
      cohort: arbCohort,
      state: options.state === undefined ? arbRequestState : fc.constant(options.state),
      question: arbText(200),
      reason: arbText(200),
      providerId: arbPartyId,
      createdAt: arbInstant,
      age: fc.nat(30 * 86_400_000),
    })
    .map(
      (r): ServiceRequest => ({
        id: r.id,
        customerId: r.customerId,
        category: r.category,
        description: r.description,
        location: {
          area: r.area,
          ...(r.point === undefined ? {} : { point: r.point }),
          ...(r.street === undefined ? {} : { street: r.street }),
        },
        mode: r.mode,
        urgency: r.urgency,
        availability: r.availability,
        ...(r.mode === "virtual"
          ? { estimatedMinutes: r.estimatedMinutes, totalAmountMinor: r.totalAmountMinor }
          : {}),
        photos: r.photos,
        channel: r.channel,
        cohort: r.cohort,
        state: r.state,
        ...(r.state === "needs_clarification" ? { clarificationQuestion: r.question } : {}),
        ...(r.state === "cancelled" ? { cancellationReason: r.reason } : {}),
        ...(r.state === "assigned" ? { assignedProviderId: r.providerId } : {}),
        createdAt: r.createdAt,
        updatedAt: (r.createdAt + r.age) as Instant,
      }),
    )

export const arbRequestCommand: fc.Arbitrary<RequestCommand> = fc.oneof(
  fc.record({
    _tag: fc.constant("AskClarification" as const),
    by: arbOperatorName,
    question: arbText(200),
  }),
  fc.record({ _tag: fc.constant("Answer" as const), text: arbText(200) }),
  fc.record({ _tag: fc.constant("MarkReady" as const), by: arbOperatorName }),
  fc.constant({ _tag: "StartDispatch" } as const),
  fc.record({ _tag: fc.constant("Assign" as const), providerId: arbPartyId }),
  fc.constant({ _tag: "GiveUp" } as const),
  fc.record({
    _tag: fc.constant("Cancel" as const),
    byCustomer: fc.boolean(),
    reason: arbText(200),
  }),
)
