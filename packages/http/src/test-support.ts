// Helpers for this package's tests only (imports @fundi/core/testing, which declares
// vitest suites): an app over the in-memory adapters and a small request helper.
import {
  approveApplication,
  creditsPreset,
  listParties,
  type MarketplacePolicy,
  type PartyId,
  recordBackgroundCheck,
  requestBackgroundCheck,
  signUp,
  startReview,
  submitApplication,
} from "@fundi/core"
import { InMemoryStore, layerInMemory } from "@fundi/core/testing"
import { Effect, type Layer, ManagedRuntime } from "effect"
import { makeApp } from "./app.ts"
import type { UnexpectedError } from "./error-response.ts"
import type { ApiServices } from "./run-effect.ts"

export const API_KEY = "test-api-key-0123456789"

export interface RequestOptions {
  /** Sent as JSON with Content-Type: application/json. */
  readonly json?: unknown
  /** Sent as is (no Content-Type unless given in headers). */
  readonly raw?: string | Uint8Array
  readonly headers?: Readonly<Record<string, string>>
  /** The bearer token; the right key by default, `null` to send no Authorization. */
  readonly token?: string | null
}

export interface TestApi {
  readonly app: ReturnType<typeof makeApp>
  readonly runtime: ManagedRuntime.ManagedRuntime<ApiServices | InMemoryStore, never>
  readonly logged: Array<UnexpectedError>
  readonly request: (method: string, path: string, options?: RequestOptions) => Promise<Response>
  /** Every party in the store, through the use case (what a client could see). */
  readonly partyCount: () => Promise<number>
  readonly store: () => Promise<InMemoryStore["Service"]>
  readonly dispose: () => Promise<void>
}

export const makeTestApi = (
  options: {
    readonly policy?: MarketplacePolicy
    readonly apiKey?: string | undefined
    readonly layer?: Layer.Layer<ApiServices | InMemoryStore>
  } = {},
): TestApi => {
  const runtime = ManagedRuntime.make(
    options.layer ?? layerInMemory(options.policy ?? creditsPreset),
  )
  const logged: Array<UnexpectedError> = []
  const app = makeApp({
    runtime,
    apiKey: "apiKey" in options ? options.apiKey : API_KEY,
    logError: (e) => logged.push(e),
  })
  const request = (method: string, path: string, o: RequestOptions = {}) => {
    const headers: Record<string, string> = { ...o.headers }
    const token = o.token === undefined ? API_KEY : o.token
    if (token !== null) headers.Authorization = `Bearer ${token}`
    let body: string | Uint8Array | undefined = o.raw
    if ("json" in o) {
      body = JSON.stringify(o.json)
      headers["Content-Type"] ??= "application/json"
    }
    return Promise.resolve(
      app.request(path, { method, headers, ...(body === undefined ? {} : { body }) }),
    )
  }
  return {
    app,
    runtime,
    logged,
    request,
    partyCount: () => runtime.runPromise(listParties({ limit: 1000 })).then((p) => p.length),
    store: () => runtime.runPromise(InMemoryStore.useSync((s) => s)),
    dispose: () => runtime.dispose(),
  }
}

/** The body of a JSON response, typed loosely for assertions. */
// biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary JSON fields
export const bodyOf = async (res: Response): Promise<any> => {
  expectJson(res)
  return res.json()
}

const expectJson = (res: Response) => {
  const type = res.headers.get("Content-Type") ?? ""
  if (!type.startsWith("application/json")) {
    throw new Error(`expected a JSON response, got ${type || "no Content-Type"} (${res.status})`)
  }
}

/** An approved, active provider, vetted through the use cases the way ops would. */
export const approvedProvider = (api: TestApi, phone: string): Promise<PartyId> =>
  api.runtime.runPromise(
    Effect.gen(function* () {
      const party = yield* signUp({
        kind: "provider",
        phone,
        profile: {
          displayName: "Thandi Plumbing",
          email: "thandi@example.com",
          categories: ["plumbing"],
          serviceAreas: ["cape-town"],
          experienceYears: 8,
          bio: "Geysers, leaks and blocked drains.",
          documents: ["id/thandi.pdf", "cert/plumbing.pdf"],
          availability: "weekdays 08:00-17:00",
        },
      })
      const application = yield* submitApplication({ partyId: party.id })
      const by = { applicationId: application.id, operator: "ops", reason: "test scene" }
      yield* startReview(by)
      yield* requestBackgroundCheck(by)
      yield* recordBackgroundCheck({ ...by, result: "passed" })
      yield* approveApplication(by)
      return party.id
    }),
  )
