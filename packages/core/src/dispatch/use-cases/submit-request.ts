import { Effect, Option } from "effect"
import { decodeInput } from "../../shared/decode.ts"
import { InvalidInput, type PersistenceUnavailable } from "../../shared/errors.ts"
import { newRequestId } from "../../shared/ids.ts"
import { type Instant, now } from "../../shared/time.ts"
import { PartyNotFound } from "../../vetting/domain/vetting.errors.ts"
import { PartyRepository } from "../../vetting/ports/party-repository.ts"
import { CustomerNotActive, checkAvailability } from "../domain/service-request.ops.ts"
import type { Availability, ServiceRequest } from "../domain/service-request.ts"
import { RequestRepository } from "../ports/request-repository.ts"
import { SubmitRequestInput, type TimeInput } from "./inputs.ts"
import type { DispatchServices } from "./services.ts"
import { audit, inTransaction, publish } from "./support.ts"

type Decoded = typeof SubmitRequestInput.Type
type Issue = { readonly path: string; readonly message: string }

/** Whether "YYYY-MM-DDThh:mm…" names a real calendar day and time (Date.parse rolls 02-30 over). */
const isRealTime = (text: string): boolean => {
  const [y, m, d, hh, mm] = text.slice(0, 16).split(/[-T:]/u).map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ]
  const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate()
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth && hh <= 23 && mm <= 59
}

const instantOf = (time: TimeInput, path: string, issues: Array<Issue>): Instant => {
  // Date.parse reads the text; it does not look at the wall clock.
  const ms = typeof time === "number" ? time : isRealTime(time) ? Date.parse(time) : Number.NaN
  if (Number.isNaN(ms)) issues.push({ path, message: "is not a valid time" })
  return ms as Instant
}

/** The details a virtual consultation needs and an in-person visit must not carry. */
const modeIssues = (input: Decoded): Array<Issue> => {
  const fields = ["estimatedMinutes", "totalAmountMinor"] as const
  if (input.mode === "virtual") {
    return fields
      .filter((f) => input[f] === undefined)
      .map((path) => ({ path, message: "is required for a virtual consultation" }))
  }
  return fields
    .filter((f) => input[f] !== undefined)
    .map((path) => ({ path, message: "applies to virtual consultations only" }))
}

const amountIssues = (amount: bigint | undefined): Array<Issue> =>
  amount === undefined
    ? []
    : amount <= 0n
      ? [{ path: "totalAmountMinor", message: "must be more than 0" }]
      : amount >= 10n ** 18n
        ? [{ path: "totalAmountMinor", message: "is too large" }]
        : []

/**
 * A homeowner asks for help. The request lands in the ops review queue (`submitted`),
 * in the homeowner's cohort, so test requests never meet live providers.
 */
export const submitRequest: (
  input: unknown,
) => Effect.Effect<
  ServiceRequest,
  InvalidInput | PersistenceUnavailable | PartyNotFound | CustomerNotActive,
  DispatchServices
> = Effect.fn("submitRequest")(function* (raw: unknown) {
  const input = yield* decodeInput(SubmitRequestInput)(raw)
  const at = yield* now
  const issues: Array<Issue> = [...modeIssues(input)]
  const totalAmountMinor =
    input.totalAmountMinor === undefined ? undefined : BigInt(input.totalAmountMinor)
  issues.push(...amountIssues(totalAmountMinor))
  const availability: Availability =
    input.availability === "now"
      ? { _tag: "now" }
      : {
          _tag: "windows",
          windows: input.availability.map((w, i) => ({
            start: instantOf(w.start, `availability[${i}].start`, issues),
            end: instantOf(w.end, `availability[${i}].end`, issues),
          })),
        }
  if (issues.length === 0) {
    const checked = checkAvailability(availability, at)
    if (checked._tag === "Failure") {
      // The rule names the domain field; the input field is the list itself.
      for (const issue of checked.failure.issues) {
        issues.push({ ...issue, path: issue.path.replace("availability.windows", "availability") })
      }
    }
  }
  if (issues.length > 0) return yield* new InvalidInput({ issues })

  return yield* inTransaction(
    Effect.gen(function* () {
      const found = yield* (yield* PartyRepository).findById(input.customerId)
      if (Option.isNone(found)) return yield* new PartyNotFound({ partyId: input.customerId })
      const customer = found.value
      if (customer.kind !== "customer" || customer.status !== "active") {
        return yield* new CustomerNotActive({
          partyId: customer.id,
          kind: customer.kind,
          status: customer.status,
        })
      }
      const request: ServiceRequest = {
        id: yield* newRequestId,
        customerId: customer.id,
        category: input.category,
        description: input.description,
        location: input.location,
        mode: input.mode,
        urgency: input.urgency,
        availability,
        ...(input.estimatedMinutes === undefined
          ? {}
          : { estimatedMinutes: input.estimatedMinutes }),
        ...(totalAmountMinor === undefined ? {} : { totalAmountMinor }),
        photos: input.photos ?? [],
        channel: input.channel ?? customer.channel,
        cohort: customer.cohort,
        state: "submitted",
        createdAt: at,
        updatedAt: at,
      }
      yield* (yield* RequestRepository).insert(request)
      yield* audit({
        actor: { _tag: "party", partyId: customer.id },
        action: "request.submit",
        subjectType: "request",
        subjectId: request.id,
        details: {
          customerId: customer.id,
          to: request.state,
          category: request.category,
          mode: request.mode,
          urgency: request.urgency,
          area: request.location.area,
          cohort: request.cohort,
          channel: request.channel,
        },
      })
      yield* publish(
        [{ _tag: "RequestSubmitted", at, requestId: request.id, customerId: customer.id }],
        request,
      )
      return request
    }),
  )
})
