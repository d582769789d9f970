import { Context, Effect, Exit, Layer, Semaphore } from "effect"
import { PersistenceUnavailable } from "../errors.ts"
import { Health } from "../health.ts"
import { Transactions } from "../transactions.ts"

type Tables = Map<string, Map<string, unknown>>

/** A copy of every table, taken when a transaction starts and put back if it fails. */
export interface StoreSnapshot {
  readonly tables: ReadonlyMap<string, ReadonlyMap<string, unknown>>
}

/**
 * The state shared by every in-memory adapter of one `layerInMemory`: named tables of
 * immutable rows keyed by id, plus switches that make the store misbehave the way a real
 * database can (offline, a write that fails half-way through a use case).
 */
export interface InMemoryStoreShape {
  /** A table by name, created empty on first use. Rows are never mutated in place. */
  readonly table: <V>(name: string) => Map<string, V>
  /** Every read goes through this gate so an offline store fails reads too. */
  readonly read: Effect.Effect<void, PersistenceUnavailable>
  /** Every write goes through this gate: offline, or the injected failure, stops it. */
  readonly write: Effect.Effect<void, PersistenceUnavailable>
  readonly setOffline: (offline: boolean) => Effect.Effect<void>
  /**
   * Lets `writes` more writes succeed, then fails the next one (once) with
   * PersistenceUnavailable: a crash in the middle of a use case. `undefined` disarms it.
   */
  readonly failAfterWrites: (writes: number | undefined) => Effect.Effect<void>
  readonly snapshot: Effect.Effect<StoreSnapshot>
  readonly restore: (snapshot: StoreSnapshot) => Effect.Effect<void>
  /** One transaction at a time, like SERIALIZABLE: `forUpdate` needs no more than that here. */
  readonly lock: Semaphore.Semaphore
}

export class InMemoryStore extends Context.Service<InMemoryStore, InMemoryStoreShape>()(
  "@fundi/core/testing/InMemoryStore",
) {}

export const makeInMemoryStore = (): InMemoryStoreShape => {
  const tables: Tables = new Map()
  let offline = false
  let writesBeforeFailure: number | undefined

  // Empty tables are left out, so a table first touched by a read does not make two
  // snapshots of the same data differ.
  const copy = (source: ReadonlyMap<string, ReadonlyMap<string, unknown>>): Tables =>
    new Map(
      [...source].filter(([, rows]) => rows.size > 0).map(([name, rows]) => [name, new Map(rows)]),
    )

  const table = <V>(name: string): Map<string, V> => {
    let rows = tables.get(name)
    if (rows === undefined) {
      rows = new Map()
      tables.set(name, rows)
    }
    return rows as Map<string, V>
  }

  const unavailable = (detail: string) => new PersistenceUnavailable({ detail })

  return {
    table,
    read: Effect.suspend(() =>
      offline ? Effect.fail(unavailable("in-memory store is offline")) : Effect.void,
    ),
    write: Effect.suspend(() => {
      if (offline) return Effect.fail(unavailable("in-memory store is offline"))
      if (writesBeforeFailure === undefined) return Effect.void
      if (writesBeforeFailure === 0) {
        writesBeforeFailure = undefined
        return Effect.fail(unavailable("injected write failure"))
      }
      writesBeforeFailure--
      return Effect.void
    }),
    setOffline: (value) =>
      Effect.sync(() => {
        offline = value
      }),
    failAfterWrites: (writes) =>
      Effect.sync(() => {
        writesBeforeFailure = writes
      }),
    snapshot: Effect.sync(() => ({ tables: copy(tables) })),
    restore: (snapshot) =>
      Effect.sync(() => {
        tables.clear()
        for (const [name, rows] of copy(snapshot.tables)) tables.set(name, rows)
      }),
    lock: Semaphore.makeUnsafe(1),
  }
}

/** A fresh, empty store each time the layer is built. */
export const layerInMemoryStore: Layer.Layer<InMemoryStore> = Layer.sync(InMemoryStore, () =>
  makeInMemoryStore(),
)

/** Set while a transaction runs on this fiber, so a nested `run` joins it. */
const InTransaction = Context.Reference<boolean>("@fundi/core/testing/InTransaction", {
  defaultValue: () => false,
})

/**
 * Transactions over the in-memory store: the outermost `run` takes the store's lock,
 * snapshots every table, and restores the snapshot when the effect fails, dies or is
 * interrupted, so "nothing half-written" holds against the fakes exactly as on Postgres.
 */
export const layerTransactionsInMemory: Layer.Layer<Transactions, never, InMemoryStore> =
  Layer.effect(
    Transactions,
    Effect.gen(function* () {
      const store = yield* InMemoryStore
      return Transactions.of({
        run: (effect) =>
          Effect.gen(function* () {
            if (yield* InTransaction) return yield* effect
            return yield* Semaphore.withPermits(
              store.lock,
              1,
            )(
              Effect.gen(function* () {
                const before = yield* store.snapshot
                return yield* effect.pipe(
                  Effect.provideService(InTransaction, true),
                  Effect.onExit((exit) =>
                    Exit.isSuccess(exit) ? Effect.void : store.restore(before),
                  ),
                )
              }),
            )
          }),
      })
    }),
  )

/** Healthy unless the store was switched offline. */
export const layerHealthInMemory: Layer.Layer<Health, never, InMemoryStore> = Layer.effect(
  Health,
  Effect.gen(function* () {
    const store = yield* InMemoryStore
    return Health.of({ checkDatabase: store.read })
  }),
)

/** `limit` / `offset` over rows already in order, as SQL would apply them. */
export const page = <A>(
  rows: ReadonlyArray<A>,
  filter: { readonly limit?: number | undefined; readonly offset?: number | undefined },
): ReadonlyArray<A> => {
  const from = filter.offset ?? 0
  return filter.limit === undefined ? rows.slice(from) : rows.slice(from, from + filter.limit)
}

/** Plain code-unit order, the order Postgres gives text under the "C" collation. */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
