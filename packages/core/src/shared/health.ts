import { Context, type Effect } from "effect"
import type { PersistenceUnavailable } from "./errors.ts"

/** Readiness of the system of record: `GET /healthz` and `fundi serve` start-up ask it. */
export class Health extends Context.Service<
  Health,
  { readonly checkDatabase: Effect.Effect<void, PersistenceUnavailable> }
>()("@fundi/core/Health") {}
