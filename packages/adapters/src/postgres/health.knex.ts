import { Health } from "@fundi/core"
import { Effect, Layer } from "effect"
import type { Knex } from "knex"
import { query } from "./executor.ts"

/** Ready when the database answers a query (through the current transaction, if any). */
export const makeHealth = (knex: Knex): Health["Service"] =>
  Health.of({
    checkDatabase: query(knex, "health.checkDatabase", (db) => db.raw("select 1")).pipe(
      Effect.asVoid,
    ),
  })

export const layerHealth = (knex: Knex): Layer.Layer<Health> =>
  Layer.succeed(Health, makeHealth(knex))
