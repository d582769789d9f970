import {
  AnswerClarificationInput,
  answerClarification,
  Channel,
  Cohort,
  cancelRequest,
  getRequest,
  InvalidInput,
  PartyId,
  Reason,
  RequestId,
  RequestMode,
  RequestNotFound,
  RequestState,
  type ServiceRequest,
  SubmitRequestInput,
  submitRequest,
  toIso,
  Urgency,
} from "@fundi/core"
import { Effect, Schema, Struct } from "effect"
import { Hono } from "hono"
import { type JsonBodyEnv, jsonBody } from "../middleware/json-body.ts"
import { type RouteDeps, runEffect } from "../run-effect.ts"

const Time = Schema.String.annotate({ format: "date-time", description: "ISO-8601 instant in UTC" })

/** A request as the API returns it: every key present (null when unset), times in ISO-8601. */
export const RequestResource = Schema.Struct({
  id: Schema.String,
  customerId: Schema.String,
  state: RequestState,
  category: Schema.String,
  description: Schema.String,
  location: Schema.Struct({
    area: Schema.String,
    point: Schema.NullOr(Schema.Struct({ lat: Schema.Number, lng: Schema.Number })),
    street: Schema.NullOr(Schema.String),
  }),
  mode: RequestMode,
  urgency: Urgency,
  availability: Schema.Union([
    Schema.Literal("now"),
    Schema.Array(Schema.Struct({ start: Time, end: Time })),
  ]),
  estimatedMinutes: Schema.NullOr(Schema.Number),
  totalAmountMinor: Schema.NullOr(
    Schema.String.annotate({ description: "what the homeowner pays, in minor units; digits" }),
  ),
  photos: Schema.Array(Schema.String),
  channel: Channel,
  cohort: Cohort,
  clarificationQuestion: Schema.NullOr(
    Schema.String.annotate({ description: "ops' question while the state is needs_clarification" }),
  ),
  cancellationReason: Schema.NullOr(Schema.String),
  createdAt: Time,
  updatedAt: Time,
}).annotate({ identifier: "ServiceRequest" })

export const requestResource = (r: ServiceRequest): typeof RequestResource.Type => ({
  id: r.id,
  customerId: r.customerId,
  state: r.state,
  category: r.category,
  description: r.description,
  location: {
    area: r.location.area,
    point: r.location.point === undefined ? null : { ...r.location.point },
    street: r.location.street ?? null,
  },
  mode: r.mode,
  urgency: r.urgency,
  availability:
    r.availability._tag === "now"
      ? "now"
      : r.availability.windows.map((w) => ({ start: toIso(w.start), end: toIso(w.end) })),
  estimatedMinutes: r.estimatedMinutes ?? null,
  totalAmountMinor: r.totalAmountMinor === undefined ? null : r.totalAmountMinor.toString(),
  photos: [...r.photos],
  channel: r.channel,
  cohort: r.cohort,
  clarificationQuestion: r.clarificationQuestion ?? null,
  cancellationReason: r.cancellationReason ?? null,
  createdAt: toIso(r.createdAt),
  updatedAt: toIso(r.updatedAt),
})

/** The bodies of the homeowner's actions: the request comes from the URL. */
export const AnswerRequestBody = AnswerClarificationInput.mapFields(Struct.omit(["requestId"]))
/** The API acts for the homeowner: `customerId` says which one, and must own the request. */
export const CancelRequestBody = Schema.Struct({
  customerId: PartyId,
  reason: Reason,
})
export const SubmitRequestBody = SubmitRequestInput

const isRequestId = Schema.is(RequestId)

/** A path segment that is not a request id names no request: 404, like an unknown id. */
const requestIdParam = (raw: string): Effect.Effect<RequestId, RequestNotFound> =>
  isRequestId(raw) ? Effect.succeed(raw) : Effect.fail(new RequestNotFound({ requestId: raw }))

const isPlainObject = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

/**
 * The body plus the id from the URL. Only the body's own fields are allowed: a body that
 * names `requestId` (or, for a cancel, `operator`) is refused, naming the field.
 */
const bodyWithRequest = (
  body: unknown,
  requestId: RequestId,
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
  return Effect.succeed({ ...body, requestId })
}

export const requestLocation = (id: string): string => `/api/v1/requests/${id}`

/** Homeowners' requests for help: mounted under /api/v1. */
export const requestRoutes = (deps: RouteDeps): Hono<JsonBodyEnv> => {
  const routes = new Hono<JsonBodyEnv>()

  routes.post("/requests", jsonBody(), (c) =>
    runEffect(c, deps, submitRequest(c.var.jsonBody), (request) =>
      c.json(requestResource(request), 201, { Location: requestLocation(request.id) }),
    ),
  )

  routes.get("/requests/:requestId", (c) =>
    runEffect(
      c,
      deps,
      requestIdParam(c.req.param("requestId")).pipe(
        Effect.flatMap((requestId) => getRequest({ requestId })),
      ),
      (request) => c.json(requestResource(request), 200),
    ),
  )

  routes.post("/requests/:requestId/answer", jsonBody(), (c) =>
    runEffect(
      c,
      deps,
      requestIdParam(c.req.param("requestId")).pipe(
        Effect.flatMap((requestId) =>
          bodyWithRequest(c.var.jsonBody, requestId, ["customerId", "text"]),
        ),
        Effect.flatMap(answerClarification),
      ),
      (request) => c.json(requestResource(request), 200),
    ),
  )

  routes.post("/requests/:requestId/cancel", jsonBody(), (c) =>
    runEffect(
      c,
      deps,
      requestIdParam(c.req.param("requestId")).pipe(
        Effect.flatMap((requestId) =>
          bodyWithRequest(c.var.jsonBody, requestId, ["customerId", "reason"]),
        ),
        Effect.flatMap((input) =>
          // The API acts for homeowners only; ops cancel from the CLI.
          input.customerId === undefined
            ? Effect.fail(
                new InvalidInput({ issues: [{ path: "customerId", message: "is required" }] }),
              )
            : cancelRequest(input),
        ),
      ),
      (request) => c.json(requestResource(request), 200),
    ),
  )

  return routes
}
