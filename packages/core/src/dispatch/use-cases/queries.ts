import { Effect, Option } from "effect"
import { AuditLog } from "../../audit/ports/audit-log.ts"
import { describeActor } from "../../shared/actor.ts"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import { OfferNotFound } from "../domain/dispatch.errors.ts"
import type { Offer } from "../domain/offer.ts"
import type { RequestNotFound } from "../domain/service-request.ops.ts"
import type { ServiceRequest } from "../domain/service-request.ts"
import { OfferRepository } from "../ports/offer-repository.ts"
import { RequestRepository } from "../ports/request-repository.ts"
import { ListRequestsInput, RequestRef } from "./inputs.ts"
import { OfferRef } from "./offer-inputs.ts"
import type { DispatchServices } from "./services.ts"
import { loadRequest } from "./support.ts"

export const getRequest: (
  input: unknown,
) => Effect.Effect<
  ServiceRequest,
  InvalidInput | PersistenceUnavailable | RequestNotFound,
  DispatchServices
> = Effect.fn("getRequest")(function* (raw: unknown) {
  const { requestId } = yield* decodeInput(RequestRef)(raw)
  return yield* loadRequest(requestId)
})

/** A request's offers (leads), oldest first: who was offered it and where each stands. */
export const listRequestOffers: (
  input: unknown,
) => Effect.Effect<
  ReadonlyArray<Offer>,
  InvalidInput | PersistenceUnavailable | RequestNotFound,
  DispatchServices
> = Effect.fn("listRequestOffers")(function* (raw: unknown) {
  const { requestId } = yield* decodeInput(RequestRef)(raw)
  const request = yield* loadRequest(requestId)
  return yield* (yield* OfferRepository).listForRequest(request.id)
})

/** The review queue order: oldest first. */
export const listRequests: (
  input: unknown,
) => Effect.Effect<
  ReadonlyArray<ServiceRequest>,
  InvalidInput | PersistenceUnavailable,
  DispatchServices
> = Effect.fn("listRequests")(function* (raw: unknown) {
  const filter = yield* decodeInput(ListRequestsInput)(raw)
  return yield* (yield* RequestRepository).list(filter)
})

/** One offer (lead) as stored, for ops. */
export const getOffer: (
  input: unknown,
) => Effect.Effect<Offer, InvalidInput | PersistenceUnavailable | OfferNotFound, DispatchServices> =
  Effect.fn("getOffer")(function* (raw: unknown) {
    const { offerId } = yield* decodeInput(OfferRef)(raw)
    const found = yield* (yield* OfferRepository).findById(offerId)
    if (Option.isNone(found)) return yield* new OfferNotFound({ offerId })
    return found.value
  })

/** One question ops asked about a request, or the homeowner's answer to one. */
export interface ClarificationEntry {
  /** `closed`: an operator released the request while the question waited (text: why). */
  readonly kind: "question" | "answer" | "closed"
  /** The operator who asked or closed, or "party:<id>" for the homeowner. */
  readonly by: string
  readonly text: string
  readonly at: number
}

const clarificationActions: Readonly<Record<string, ClarificationEntry["kind"]>> = {
  "request.clarify": "question",
  "request.answer": "answer",
}

/**
 * The questions ops asked about a request and the homeowner's answers, oldest first: the
 * request keeps only the open question, the audit log keeps them all.
 */
export const listClarifications: (
  input: unknown,
) => Effect.Effect<
  ReadonlyArray<ClarificationEntry>,
  InvalidInput | PersistenceUnavailable | RequestNotFound,
  DispatchServices
> = Effect.fn("listClarifications")(function* (raw: unknown) {
  const { requestId } = yield* decodeInput(RequestRef)(raw)
  const request = yield* loadRequest(requestId)
  const entries = yield* (yield* AuditLog).list({ subjectId: request.id })
  return entries
    .flatMap((entry): ReadonlyArray<ClarificationEntry> => {
      const closed = entry.action === "request.ready" && entry.details.closedQuestion !== undefined
      const kind: ClarificationEntry["kind"] | undefined =
        entry.subjectType !== "request"
          ? undefined
          : closed
            ? "closed"
            : clarificationActions[entry.action]
      const text =
        kind === "question"
          ? entry.reason
          : kind === "closed"
            ? (entry.reason ?? "no reason given")
            : entry.details.answer
      return kind === undefined || typeof text !== "string"
        ? []
        : [{ kind, by: describeActor(entry.actor), text, at: entry.at }]
    })
    .reverse()
})
