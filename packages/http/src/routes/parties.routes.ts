import {
  getApplication,
  getParty,
  InvalidInput,
  PartyId,
  PartyNotFound,
  signUp,
  submitApplication,
  updateProfile,
} from "@fundi/core"
import { Effect, Schema } from "effect"
import { Hono } from "hono"
import { type JsonBodyEnv, jsonBody } from "../middleware/json-body.ts"
import { applicationResource, partyResource } from "../representations.ts"
import { type RouteDeps, runEffect } from "../run-effect.ts"

const isPartyId = Schema.is(PartyId)

/** A path segment that is not a party id names no party: 404, like an unknown id. */
const partyIdParam = (raw: string): Effect.Effect<PartyId, PartyNotFound> =>
  isPartyId(raw) ? Effect.succeed(raw) : Effect.fail(new PartyNotFound({ partyId: raw }))

const isPlainObject = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

/**
 * The profile body is decoded as the `profile` field of the use-case input; report its
 * issues relative to the body the client sent ("email", not "profile.email").
 */
const relativeToProfile = <E>(e: E): E =>
  e instanceof InvalidInput
    ? (new InvalidInput({
        issues: e.issues.map((i) => ({
          path:
            i.path === "profile"
              ? ""
              : i.path.startsWith("profile.")
                ? i.path.slice("profile.".length)
                : i.path,
          message: i.message,
        })),
      }) as E)
    : e

/** The submit body carries nothing today; refuse fields so a typo is not silently ignored. */
const emptySubmitBody = (body: unknown): Effect.Effect<void, InvalidInput> => {
  if (body === undefined) return Effect.void
  if (!isPlainObject(body)) {
    return Effect.fail(
      new InvalidInput({ issues: [{ path: "", message: "must be a JSON object (or no body)" }] }),
    )
  }
  const keys = Object.keys(body)
  return keys.length === 0
    ? Effect.void
    : Effect.fail(
        new InvalidInput({
          issues: keys.map((k) => ({ path: k, message: "is not a known field" })),
        }),
      )
}

export const partyLocation = (id: string): string => `/api/v1/parties/${id}`
export const applicationLocation = (id: string): string => `/api/v1/applications/${id}`

/** Sign-up, profile and application submission: mounted under /api/v1. */
export const partyRoutes = (deps: RouteDeps): Hono<JsonBodyEnv> => {
  const routes = new Hono<JsonBodyEnv>()

  routes.post("/parties", jsonBody(), (c) =>
    runEffect(
      c,
      deps,
      signUp(c.var.jsonBody).pipe(Effect.flatMap((party) => getParty({ partyId: party.id }))),
      (view) => c.json(partyResource(view), 201, { Location: partyLocation(view.party.id) }),
    ),
  )

  routes.get("/parties/:partyId", (c) =>
    runEffect(
      c,
      deps,
      partyIdParam(c.req.param("partyId")).pipe(Effect.flatMap((partyId) => getParty({ partyId }))),
      (view) => c.json(partyResource(view), 200),
    ),
  )

  routes.patch("/parties/:partyId/profile", jsonBody(), (c) =>
    runEffect(
      c,
      deps,
      partyIdParam(c.req.param("partyId")).pipe(
        Effect.flatMap((partyId) =>
          updateProfile({ partyId, profile: c.var.jsonBody }).pipe(
            Effect.mapError(relativeToProfile),
          ),
        ),
        Effect.flatMap((party) => getParty({ partyId: party.id })),
      ),
      (view) => c.json(partyResource(view), 200),
    ),
  )

  routes.post("/parties/:partyId/applications", jsonBody({ optional: true }), (c) =>
    runEffect(
      c,
      deps,
      partyIdParam(c.req.param("partyId")).pipe(
        Effect.tap(() => emptySubmitBody(c.var.jsonBody)),
        Effect.flatMap((partyId) => submitApplication({ partyId })),
        Effect.flatMap((application) => getApplication({ applicationId: application.id })),
      ),
      (view) =>
        c.json(applicationResource(view), 201, {
          Location: applicationLocation(view.application.id),
        }),
    ),
  )

  return routes
}
