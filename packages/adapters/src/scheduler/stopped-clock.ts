import { type Clock, Effect } from "effect"

/**
 * A clock stopped at `ms`, for tests that must be past a deadline without waiting for it:
 * what runs under it sees that time, whatever the wall clock says. Sleeping under it
 * returns at once (nothing the scheduler runs should sleep).
 */
export const stoppedAt = (ms: number): Clock.Clock => ({
  currentTimeMillisUnsafe: () => ms,
  currentTimeMillis: Effect.succeed(ms),
  currentTimeNanosUnsafe: () => BigInt(ms) * 1_000_000n,
  currentTimeNanos: Effect.succeed(BigInt(ms) * 1_000_000n),
  monotonicTimeNanosUnsafe: () => process.hrtime.bigint(),
  monotonicTimeNanos: Effect.sync(() => process.hrtime.bigint()),
  sleep: () => Effect.void,
})
