import { Effect, type Layer } from "effect"
import { Transactions } from "../transactions.ts"

/** Builds a fresh adapter (empty storage) each time it is called. */
export type MakeLayer<S> = () => Layer.Layer<S | Transactions, unknown>

export interface ContractOptions {
  /** Runs per property; each run builds a fresh layer, so keep it small for real databases. */
  readonly numRuns?: number
}

export const defaultNumRuns = 15

/** Runs an effect against a freshly built layer and resolves with its value. */
export const runFresh =
  <S>(makeLayer: MakeLayer<S>) =>
  <A, E>(effect: Effect.Effect<A, E, S | Transactions>): Promise<A> =>
    Effect.runPromise(Effect.provide(effect, makeLayer()) as Effect.Effect<A, unknown>)

/** A failure the contract suites raise on purpose, to make a transaction roll back. */
export class Boom {
  readonly _tag = "Boom"
}

/**
 * Runs `effect` inside a transaction that then fails on purpose; succeeds when the
 * transaction failed with that failure, so a test can go on to check nothing was kept.
 */
export const inFailingTransaction = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
): Effect.Effect<void, unknown, R | Transactions> =>
  Effect.gen(function* () {
    const tx = yield* Transactions
    const outcome = yield* Effect.result(tx.run(Effect.andThen(effect, Effect.fail(new Boom()))))
    if (outcome._tag === "Success") return yield* Effect.die("the transaction was meant to fail")
    if (!(outcome.failure instanceof Boom)) return yield* Effect.fail(outcome.failure)
  })
