// Scenes for the link page tests: a market in memory, dispatched, with the links its
// messages carry. Imports @fundi/core/testing: for test files only.
import {
  dispatchRequest,
  type MarketplacePolicy,
  markReady,
  ObjectStore,
  Outbox,
  type PartyId,
  type ServiceRequest,
  submitRequest,
} from "@fundi/core"
import { geyserLeak, homeowner, inMemoryLinkBaseUrl, vettedProvider } from "@fundi/core/testing"
import { Effect } from "effect"
import { makeTestApi, type TestApi } from "../test-support.ts"

export interface Scene {
  readonly api: TestApi
  readonly customerId: PartyId
  readonly providerIds: ReadonlyArray<PartyId>
  readonly request: ServiceRequest
  /** The lead link path each provider was sent (/l/…), in provider order. */
  readonly leadPaths: ReadonlyArray<string>
}

/** The link path in the latest message of `template` sent to a party, e.g. "/h/eyJ…". */
export const linkPathIn = (api: TestApi, partyId: string, template: string): Promise<string> =>
  api.runtime.runPromise(
    Effect.gen(function* () {
      const messages = yield* (yield* Outbox).list({ partyId })
      const body = messages.find((m) => m.template === template)?.body ?? ""
      const url = body.split(" ").find((word) => word.startsWith(inMemoryLinkBaseUrl))
      if (url === undefined) throw new Error(`no link in a ${template} message to ${partyId}`)
      return url.slice(inMemoryLinkBaseUrl.length)
    }),
  )

/** A homeowner's geyser leak offered to `providers` vetted plumbers with `credits` each. */
export const scene = async (
  options: {
    readonly providers?: number
    readonly credits?: number
    readonly policy?: MarketplacePolicy
    /** The request's photos, stored first (else the fixture's one key, not stored). */
    readonly photos?: ReadonlyArray<Uint8Array>
  } = {},
): Promise<Scene> => {
  const api = makeTestApi(options.policy === undefined ? {} : { policy: options.policy })
  const { customerId, providerIds, request } = await api.runtime.runPromise(
    Effect.gen(function* () {
      const customer = yield* homeowner()
      const providers = []
      for (let i = 1; i <= (options.providers ?? 1); i++) {
        providers.push(yield* vettedProvider(i, { credits: options.credits ?? 50 }))
      }
      const store = yield* ObjectStore
      const photos =
        options.photos === undefined
          ? geyserLeak.photos
          : yield* Effect.forEach(options.photos, (bytes) =>
              Effect.map(
                store.put({ prefix: "photos", bytes, maxBytes: 1_000_000 }),
                (stored) => stored.key,
              ),
            )
      const submitted = yield* submitRequest({ ...geyserLeak, photos, customerId: customer.id })
      const ready = yield* markReady({ requestId: submitted.id, operator: "thandi" })
      const step = yield* dispatchRequest({ requestId: ready.id, operator: "thandi" })
      return {
        customerId: customer.id,
        providerIds: providers.map((p) => p.id),
        request: step.request,
      }
    }),
  )
  const leadPaths = []
  for (const id of providerIds) leadPaths.push(await linkPathIn(api, id, "lead.offered"))
  return { api, customerId, providerIds, request, leadPaths }
}

/** A form post from the page itself (same origin), as a browser sends it. */
export const post = (
  api: TestApi,
  path: string,
  fields: Record<string, string> = {},
  headers: Record<string, string> = { Origin: "http://localhost" },
): Promise<Response> =>
  Promise.resolve(
    api.app.request(path, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams(fields).toString(),
    }),
  )

export const get = (api: TestApi, path: string): Promise<Response> =>
  Promise.resolve(api.app.request(path))

/** The visible text of a page, tags stripped, whitespace collapsed: what a person reads. */
export const textOf = async (res: Response): Promise<string> =>
  (await res.text())
    .replace(/<style>[\s\S]*?<\/style>/, "")
    .replace(/<\/?(strong|span|a)\b[^>]*>/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim()
