import { Clock, Effect, Schema } from "effect"

/** A point in time: integer milliseconds since the Unix epoch (UTC). */
export const Instant = Schema.Number.check(Schema.isInt()).pipe(Schema.brand("Instant"))
export type Instant = typeof Instant.Type

export const now: Effect.Effect<Instant> = Effect.map(
  Clock.currentTimeMillis,
  (ms) => ms as Instant,
)

export const DAY_MS = 86_400_000

export const addDays = (at: Instant, days: number): Instant => (at + days * DAY_MS) as Instant

/** ISO-8601 text for people and JSON; pure (no wall clock). */
export const toIso = (at: Instant): string => new Date(at).toISOString()
