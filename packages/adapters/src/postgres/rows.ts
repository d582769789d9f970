import { type Instant, PersistenceUnavailable } from "@fundi/core"
import { Effect, Option, Schema } from "effect"
import { toDate } from "./executor.ts"

/**
 * Decodes a domain value rebuilt from a row. A row that does not decode was written by
 * something other than these adapters (or a bad migration): it is reported, not trusted.
 */
export const decodeRow = <S extends Schema.Decoder<unknown>>(schema: S, table: string) => {
  // Built once per table, not per row.
  const decode = Schema.decodeUnknownEffect(schema)
  return (value: unknown, id: string): Effect.Effect<S["Type"], PersistenceUnavailable> =>
    decode(value).pipe(
      Effect.mapError(
        (error) =>
          new PersistenceUnavailable({
            detail: `${table} row ${id} does not hold a valid value: ${error.message}`,
          }),
      ),
    ) as Effect.Effect<S["Type"], PersistenceUnavailable>
}

/** Copies `value` under `key` only when the column is not null (optional keys stay absent). */
export const optional = <K extends string, V>(
  key: K,
  value: V | null | undefined,
): { [P in K]?: V } =>
  value === null || value === undefined ? {} : ({ [key]: value } as { [P in K]: V })

/**
 * The columns a failed attempt sets in a queue table (inbox, outbox): pending again, due at
 * `retryAt`, or failed for good when there is no retry left; the error kept either way.
 */
export const failedOrRetried = (error: string, retryAt: Option.Option<Instant>) =>
  Option.match(retryAt, {
    onNone: () => ({ status: "failed", last_error: error }),
    onSome: (at) => ({ status: "pending", last_error: error, next_attempt_at: toDate(at) }),
  })
