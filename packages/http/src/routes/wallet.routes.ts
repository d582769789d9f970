import {
  ContentTooLarge,
  createTopUp,
  getStatement,
  getTopUp,
  getWallet,
  InvalidInput,
  PartyId,
  PartyNotFound,
  Policy,
  setWeeklyBudget,
  submitTopUpProof,
  TopUpId,
  TopUpNotFound,
} from "@fundi/core"
import { Effect, Schema } from "effect"
import { Hono } from "hono"
import { domainErrorResponse, httpError, sendError } from "../error-response.ts"
import { type JsonBodyEnv, jsonBody, readLimited } from "../middleware/json-body.ts"
import { statementLineJson, topUpResource, walletResource } from "../representations.ts"
import { type RouteDeps, runEffect } from "../run-effect.ts"

const isPartyId = Schema.is(PartyId)
const isTopUpId = Schema.is(TopUpId)

/** A path segment that is not an id names nothing: 404, like an unknown id. */
const partyIdParam = (raw: string): Effect.Effect<PartyId, PartyNotFound> =>
  isPartyId(raw) ? Effect.succeed(raw) : Effect.fail(new PartyNotFound({ partyId: raw }))
const topUpIdParam = (raw: string): Effect.Effect<TopUpId, TopUpNotFound> =>
  isTopUpId(raw) ? Effect.succeed(raw) : Effect.fail(new TopUpNotFound({ topUpId: raw }))

/**
 * A JSON body becomes the use-case input together with the ids from the URL. The URL is
 * the only place those ids come from: a body that names one is refused rather than
 * silently overridden, and a body that is not an object is refused before spreading it.
 */
const bodyWithPath = <P extends Record<string, string>>(
  body: unknown,
  path: P,
): Effect.Effect<Record<string, unknown> & P, InvalidInput> => {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return Effect.fail(
      new InvalidInput({ issues: [{ path: "", message: "must be a JSON object" }] }),
    )
  }
  const clashes = Object.keys(path).filter((k) => Object.hasOwn(body, k))
  if (clashes.length > 0) {
    return Effect.fail(
      new InvalidInput({
        issues: clashes.map((k) => ({
          path: k,
          message: "is not a known field (it is in the URL)",
        })),
      }),
    )
  }
  return Effect.succeed({ ...(body as Record<string, unknown>), ...path })
}

const statementParams = new Set(["wallet", "limit", "offset"])

/**
 * `?wallet=earnings&limit=20&offset=40` as use-case input. Numbers must be plain digits
 * (the Schema then checks the range); an unknown parameter is a typo, named in the 400.
 */
const statementQuery = (
  query: Record<string, string>,
): Effect.Effect<Record<string, unknown>, InvalidInput> => {
  const issues: Array<{ path: string; message: string }> = []
  const input: Record<string, unknown> = { wallet: query.wallet ?? "credits" }
  for (const key of Object.keys(query)) {
    if (!statementParams.has(key)) issues.push({ path: key, message: "is not a known parameter" })
  }
  for (const key of ["limit", "offset"] as const) {
    const raw = query[key]
    if (raw === undefined) continue
    if (/^\d{1,7}$/.test(raw)) input[key] = Number(raw)
    else issues.push({ path: key, message: "must be a whole number" })
  }
  return issues.length > 0 ? Effect.fail(new InvalidInput({ issues })) : Effect.succeed(input)
}

/** What a proof of payment may be sent as; the bytes decide what it is. */
const proofMediaTypes = ["application/pdf", "image/jpeg", "image/png", "application/octet-stream"]

const unsupportedProofMediaType = (got: string | undefined) =>
  httpError(
    415,
    "unsupported_media_type",
    `${got === undefined ? "the request has no Content-Type" : `Content-Type ${got} is not accepted`}: send the file's bytes as ${proofMediaTypes.join(", ")}`,
    { allowed: proofMediaTypes },
  )

export const walletLocation = (partyId: string): string => `/api/v1/parties/${partyId}/wallet`
export const topUpLocation = (id: string): string => `/api/v1/topups/${id}`

/** Wallets, statements, weekly budgets and top-ups of providers: mounted under /api/v1. */
export const walletRoutes = (deps: RouteDeps): Hono<JsonBodyEnv> => {
  const routes = new Hono<JsonBodyEnv>()

  routes.get("/parties/:partyId/wallet", (c) =>
    runEffect(
      c,
      deps,
      partyIdParam(c.req.param("partyId")).pipe(
        Effect.flatMap((partyId) => getWallet({ partyId })),
      ),
      (wallet) => c.json(walletResource(wallet), 200),
    ),
  )

  routes.get("/parties/:partyId/wallet/statement", (c) => {
    const raw = c.req.param("partyId")
    return runEffect(
      c,
      deps,
      Effect.gen(function* () {
        const partyId = yield* partyIdParam(raw)
        const query = yield* statementQuery(c.req.query())
        const lines = yield* getStatement({ ...query, partyId })
        return { partyId, wallet: query.wallet as "credits" | "earnings", lines }
      }),
      (s) =>
        c.json(
          { partyId: s.partyId, wallet: s.wallet, lines: s.lines.map(statementLineJson) },
          200,
        ),
    )
  })

  routes.put("/parties/:partyId/wallet/budget", jsonBody(), (c) =>
    runEffect(
      c,
      deps,
      partyIdParam(c.req.param("partyId")).pipe(
        Effect.flatMap((partyId) => bodyWithPath(c.var.jsonBody, { partyId })),
        Effect.flatMap((input) => setWeeklyBudget(input)),
      ),
      (wallet) => c.json(walletResource(wallet), 200),
    ),
  )

  routes.post("/parties/:partyId/topups", jsonBody(), (c) =>
    runEffect(
      c,
      deps,
      partyIdParam(c.req.param("partyId")).pipe(
        Effect.flatMap((partyId) => bodyWithPath(c.var.jsonBody, { partyId })),
        Effect.flatMap((input) => createTopUp(input)),
        Effect.flatMap((topUp) => getTopUp({ topUpId: topUp.id })),
      ),
      (view) => c.json(topUpResource(view), 201, { Location: topUpLocation(view.topUp.id) }),
    ),
  )

  routes.put("/parties/:partyId/topups/:topUpId/proof", async (c) => {
    const partyId = c.req.param("partyId")
    const topUpId = c.req.param("topUpId")
    // Checked before a byte of the upload is read.
    if (!isPartyId(partyId))
      return sendError(c, domainErrorResponse(new PartyNotFound({ partyId })))
    if (!isTopUpId(topUpId))
      return sendError(c, domainErrorResponse(new TopUpNotFound({ topUpId })))
    const contentType = c.req.header("Content-Type")
    const essence = contentType?.split(";")[0]?.trim().toLowerCase()
    if (essence === undefined || !proofMediaTypes.includes(essence)) {
      return sendError(c, unsupportedProofMediaType(contentType))
    }

    // Read per request: the limit is policy, and a test or an embedder may run another one.
    const limit = await deps.runtime.runPromise(Policy.useSync((p) => p.uploads.maxBytes))
    const tooLarge = (size: number) =>
      sendError(c, domainErrorResponse(new ContentTooLarge({ size, limit })))
    const declared = Number(c.req.header("Content-Length") ?? Number.NaN)
    if (Number.isFinite(declared) && declared > limit) return tooLarge(declared)
    const read = await readLimited(c.req.raw.body, limit)
    if (!read.ok) return tooLarge(read.readBytes)
    if (read.bytes.byteLength === 0) {
      return sendError(
        c,
        domainErrorResponse(
          new InvalidInput({
            issues: [{ path: "", message: "the body is empty: send the file's bytes" }],
          }),
        ),
      )
    }

    return runEffect(
      c,
      deps,
      submitTopUpProof({ topUpId, partyId, bytes: read.bytes }).pipe(
        Effect.flatMap((topUp) => getTopUp({ topUpId: topUp.id })),
      ),
      (view) => c.json(topUpResource(view), 200),
    )
  })

  routes.get("/topups/:topUpId", (c) =>
    runEffect(
      c,
      deps,
      topUpIdParam(c.req.param("topUpId")).pipe(Effect.flatMap((topUpId) => getTopUp({ topUpId }))),
      (view) => c.json(topUpResource(view), 200),
    ),
  )

  return routes
}
