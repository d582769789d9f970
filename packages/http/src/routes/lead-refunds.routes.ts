import {
  decodeInput,
  type LeadRefund,
  LeadRefundState,
  OfferId,
  OfferNotFound,
  RefundReason,
  RequestLeadRefundInput,
  requestLeadRefund,
  toIso,
} from "@fundi/core"
import { Effect, Schema, Struct } from "effect"
import { Hono } from "hono"
import { type JsonBodyEnv, jsonBody } from "../middleware/json-body.ts"
import { type RouteDeps, runEffect } from "../run-effect.ts"

/**
 * The body of a provider's refund claim: the offer comes from the URL, and only ops (from
 * the CLI) record claims on a provider's behalf, so `operator` is not a field here.
 */
export const RefundClaimBody = RequestLeadRefundInput.mapFields(
  Struct.omit(["offerId", "operator", "operatorReason"]),
)

const Time = Schema.String.annotate({ format: "date-time", description: "ISO-8601 instant in UTC" })

/** A refund claim as the API returns it: every key present (null when unset), times in ISO-8601. */
export const LeadRefundResource = Schema.Struct({
  id: Schema.String,
  offerId: Schema.String,
  requestId: Schema.String,
  providerId: Schema.String,
  reason: RefundReason,
  note: Schema.NullOr(Schema.String),
  duplicateOf: Schema.NullOr(Schema.String),
  credits: Schema.Number.annotate({
    description: "what the unlock charged; an approval returns it",
  }),
  state: LeadRefundState,
  requestedAt: Time,
  decidedAt: Schema.NullOr(Time),
  decisionReason: Schema.NullOr(Schema.String),
}).annotate({ identifier: "LeadRefund" })

export const leadRefundResource = (r: LeadRefund): typeof LeadRefundResource.Type => ({
  id: r.id,
  offerId: r.offerId,
  requestId: r.requestId,
  providerId: r.providerId,
  reason: r.reason,
  note: r.note ?? null,
  duplicateOf: r.duplicateOf ?? null,
  credits: r.credits,
  state: r.state,
  requestedAt: toIso(r.requestedAt),
  decidedAt: r.decidedAt === undefined ? null : toIso(r.decidedAt),
  decisionReason: r.decisionReason ?? null,
})

const isOfferId = Schema.is(OfferId)

/** A path segment that is not an offer id names no offer: 404, like an unknown id. */
const offerIdParam = (raw: string): Effect.Effect<OfferId, OfferNotFound> =>
  isOfferId(raw) ? Effect.succeed(raw) : Effect.fail(new OfferNotFound({ offerId: raw }))

/** Providers' refund claims on their unlocked leads: mounted under /api/v1. */
export const leadRefundRoutes = (deps: RouteDeps): Hono<JsonBodyEnv> => {
  const routes = new Hono<JsonBodyEnv>()

  routes.post("/offers/:offerId/refund-claims", jsonBody(), (c) =>
    runEffect(
      c,
      deps,
      offerIdParam(c.req.param("offerId")).pipe(
        Effect.flatMap((offerId) =>
          Effect.map(decodeInput(RefundClaimBody)(c.var.jsonBody), (body) => ({
            ...body,
            offerId,
          })),
        ),
        Effect.flatMap(requestLeadRefund),
      ),
      (refund) => c.json(leadRefundResource(refund), 201),
    ),
  )

  return routes
}

/** The schemas of these routes, named for the OpenAPI document's components. */
export const leadRefundSchemas = {
  RefundClaimRequest: RefundClaimBody,
  LeadRefund: LeadRefundResource,
} as const

/**
 * The OpenAPI paths of these routes; openapi.ts passes the `$ref`s of `leadRefundSchemas`
 * and its shared parameters and responses.
 */
export const leadRefundPaths = (
  refs: { readonly [K in keyof typeof leadRefundSchemas]: unknown },
  shared: {
    readonly offerIdParam: unknown
    readonly withBody: Readonly<Record<string, unknown>>
    readonly common: Readonly<Record<string, unknown>>
    readonly errorResponse: (description: string) => unknown
  },
) => ({
  "/api/v1/offers/{offerId}/refund-claims": {
    post: {
      operationId: "requestLeadRefund",
      summary: "A provider claims back the credits of one of its unlocked leads",
      description:
        "Checkable reasons only: `invalid_contact` after the contact was released (offer accepted); " +
        "`duplicate_request` naming an earlier request of the same homeowner and category (`duplicateOf`); " +
        "`withdrawn_before_contact` when the homeowner cancelled before the provider got the contact; " +
        "`expired` when the offer expired or was withdrawn after the unlock. One claim per offer, within " +
        "the policy's claim window. Ops approve or reject it; an approval returns the unlock's credits.",
      parameters: [shared.offerIdParam],
      requestBody: {
        required: true,
        content: { "application/json": { schema: refs.RefundClaimRequest } },
      },
      responses: {
        "201": {
          description: "the claim, in state requested, waiting for ops",
          content: { "application/json": { schema: refs.LeadRefund } },
        },
        ...shared.withBody,
        "404": shared.errorResponse(
          "offer_not_found (also when the offer is another provider's) or request_not_found",
        ),
        "409": shared.errorResponse(
          "a precondition does not hold: leads_not_sold, lead_not_unlocked, refund_already_claimed, " +
            "refund_window_closed, contact_not_released, request_not_withdrawn, " +
            "contact_already_released or lead_not_expired",
        ),
        "422": shared.errorResponse(
          "refund_reason_not_allowed or not_a_duplicate (with `problem`)",
        ),
        ...shared.common,
      },
    },
  },
})
