import {
  ChooseProposedTimeInput,
  chooseProposedTime,
  InvalidInput,
  type NotRequestOwner,
  type Offer,
  OfferId,
  OfferNotFound,
  RejectProposedTimesInput,
  rejectProposedTimes,
  toIso,
} from "@fundi/core"
import { Effect, Schema, Struct } from "effect"
import { Hono } from "hono"
import { type JsonBodyEnv, jsonBody } from "../middleware/json-body.ts"
import { type RouteDeps, runEffect } from "../run-effect.ts"

/** The bodies of the homeowner's answers: the offer comes from the URL. */
export const ChooseTimeBody = ChooseProposedTimeInput.mapFields(Struct.omit(["offerId"]))
export const RejectTimesBody = RejectProposedTimesInput.mapFields(Struct.omit(["offerId"]))

const Time = Schema.String.annotate({ format: "date-time", description: "ISO-8601 instant in UTC" })

/** What the homeowner learns from answering: the offer's state, and the time agreed if any. */
export const OfferAnswerResource = Schema.Struct({
  offerId: Schema.String,
  requestId: Schema.String,
  state: Schema.String,
  chosenSlot: Schema.NullOr(Schema.Struct({ start: Time, end: Time })),
  requestState: Schema.String,
}).annotate({ identifier: "OfferAnswer" })

const answerResource = (offer: Offer, requestState: string): typeof OfferAnswerResource.Type => ({
  offerId: offer.id,
  requestId: offer.requestId,
  state: offer.state,
  chosenSlot:
    offer.chosenSlot === undefined
      ? null
      : { start: toIso(offer.chosenSlot.start), end: toIso(offer.chosenSlot.end) },
  requestState,
})

const isOfferId = Schema.is(OfferId)

/** A path segment that is not an offer id names no offer: 404, like an unknown id. */
const offerIdParam = (raw: string): Effect.Effect<OfferId, OfferNotFound> =>
  isOfferId(raw) ? Effect.succeed(raw) : Effect.fail(new OfferNotFound({ offerId: raw }))

const isPlainObject = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

/** The body plus the offer id from the URL; a body naming `offerId` or anything unknown is refused. */
const bodyWithOffer = (
  body: unknown,
  offerId: OfferId,
  allowed: ReadonlyArray<string>,
): Effect.Effect<Record<string, unknown>, InvalidInput> => {
  if (!isPlainObject(body)) {
    return Effect.fail(
      new InvalidInput({ issues: [{ path: "", message: "must be a JSON object" }] }),
    )
  }
  const unknown = Object.keys(body).filter((k) => !allowed.includes(k))
  if (unknown.length > 0) {
    return Effect.fail(
      new InvalidInput({
        issues: unknown.map((path) => ({ path, message: "is not a known field" })),
      }),
    )
  }
  return Effect.succeed({ ...body, offerId })
}

/**
 * Someone else's offer is answered like an unknown one (404 offer_not_found): an offer id
 * must not reveal which request it belongs to.
 */
const hideOwner =
  (offerId: OfferId) =>
  <A, E, R>(effect: Effect.Effect<A, E | NotRequestOwner, R>) =>
    Effect.catchTag(effect, "NotRequestOwner", () => Effect.fail(new OfferNotFound({ offerId })))

/** The homeowner's answers to proposed times: mounted under /api/v1. */
export const offerRoutes = (deps: RouteDeps): Hono<JsonBodyEnv> => {
  const routes = new Hono<JsonBodyEnv>()

  routes.post("/offers/:offerId/choose-time", jsonBody(), (c) =>
    runEffect(
      c,
      deps,
      offerIdParam(c.req.param("offerId")).pipe(
        Effect.flatMap((offerId) =>
          bodyWithOffer(c.var.jsonBody, offerId, ["customerId", "slot"]).pipe(
            Effect.flatMap(chooseProposedTime),
            Effect.map((chosen) => answerResource(chosen.offer, chosen.request.state)),
            hideOwner(offerId),
          ),
        ),
      ),
      (answer) => c.json(answer, 200),
    ),
  )

  routes.post("/offers/:offerId/reject-times", jsonBody(), (c) =>
    runEffect(
      c,
      deps,
      offerIdParam(c.req.param("offerId")).pipe(
        Effect.flatMap((offerId) =>
          bodyWithOffer(c.var.jsonBody, offerId, ["customerId"]).pipe(
            Effect.flatMap(rejectProposedTimes),
            Effect.map((outcome) => answerResource(outcome.offer, outcome.next.request.state)),
            hideOwner(offerId),
          ),
        ),
      ),
      (answer) => c.json(answer, 200),
    ),
  )

  return routes
}
