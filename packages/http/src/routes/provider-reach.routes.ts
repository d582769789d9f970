import {
  decodeInput,
  PartyId,
  PartyNotFound,
  ProviderReach,
  SetProviderReachInput,
  setProviderReach,
} from "@fundi/core"
import { Effect, Schema, Struct } from "effect"
import { Hono } from "hono"
import { type JsonBodyEnv, jsonBody } from "../middleware/json-body.ts"
import { type RouteDeps, runEffect } from "../run-effect.ts"

/** The reach to set: the provider comes from the URL, so `providerId` is not a field here. */
export const ProviderReachBody = SetProviderReachInput.mapFields(Struct.omit(["providerId"]))

const isPartyId = Schema.is(PartyId)

/** A path segment that is not a party id names no party: 404, like an unknown id. */
const partyIdParam = (raw: string): Effect.Effect<PartyId, PartyNotFound> =>
  isPartyId(raw) ? Effect.succeed(raw) : Effect.fail(new PartyNotFound({ partyId: raw }))

/** Where and when a provider works, for matching: mounted under /api/v1. */
export const providerReachRoutes = (deps: RouteDeps): Hono<JsonBodyEnv> => {
  const routes = new Hono<JsonBodyEnv>()

  routes.put("/parties/:partyId/reach", jsonBody(), (c) =>
    runEffect(
      c,
      deps,
      partyIdParam(c.req.param("partyId")).pipe(
        Effect.flatMap((providerId) =>
          Effect.map(decodeInput(ProviderReachBody)(c.var.jsonBody), (body) => ({
            ...body,
            providerId,
          })),
        ),
        Effect.flatMap(setProviderReach),
      ),
      (reach) => c.json(reach, 200),
    ),
  )

  return routes
}

/** The schemas of these routes, named for the OpenAPI document's components. */
export const providerReachSchemas = {
  ProviderReachRequest: ProviderReachBody,
  ProviderReach: ProviderReach,
} as const

/** The OpenAPI paths of these routes; openapi.ts passes the `$ref`s and shared parts. */
export const providerReachPaths = (
  refs: { readonly [K in keyof typeof providerReachSchemas]: unknown },
  shared: {
    readonly partyIdParam: unknown
    readonly withBody: Readonly<Record<string, unknown>>
    readonly common: Readonly<Record<string, unknown>>
    readonly errorResponse: (description: string) => unknown
  },
) => ({
  "/api/v1/parties/{partyId}/reach": {
    put: {
      operationId: "setProviderReach",
      summary: "Set where and when a provider works, and how many jobs they take at once",
      description:
        "Replaces the whole reach: an optional base point with a radius in km (jobs in the " +
        "profile's areas count too), `always` or published windows, and the most open jobs. " +
        "Audited with `operator` and `reason`. Dispatch offers leads by it from then on.",
      parameters: [shared.partyIdParam],
      requestBody: {
        required: true,
        content: { "application/json": { schema: refs.ProviderReachRequest } },
      },
      responses: {
        "200": {
          description: "the reach as stored",
          content: { "application/json": { schema: refs.ProviderReach } },
        },
        ...shared.withBody,
        "404": shared.errorResponse("party_not_found or not_a_provider"),
        ...shared.common,
      },
    },
  },
})
