import { Context, type Effect, type Option } from "effect"
import type { PersistenceUnavailable } from "../../shared/errors.ts"
import type { TopUpId } from "../../shared/ids.ts"
import type { TopUp, TopUpState } from "../domain/top-up.ts"

export interface TopUpFilter {
  readonly states?: ReadonlyArray<TopUpState>
  readonly partyId?: string
  readonly limit?: number
}

export class TopUpRepository extends Context.Service<
  TopUpRepository,
  {
    readonly insert: (topUp: TopUp) => Effect.Effect<void, PersistenceUnavailable>
    readonly update: (topUp: TopUp) => Effect.Effect<void, PersistenceUnavailable>
    readonly findById: (
      id: TopUpId,
      options?: { readonly forUpdate?: boolean },
    ) => Effect.Effect<Option.Option<TopUp>, PersistenceUnavailable>
    /** References are unique. */
    readonly findByReference: (
      reference: string,
    ) => Effect.Effect<Option.Option<TopUp>, PersistenceUnavailable>
    /** Oldest first (the review queue), ties by id. */
    readonly list: (
      filter: TopUpFilter,
    ) => Effect.Effect<ReadonlyArray<TopUp>, PersistenceUnavailable>
  }
>()("@fundi/core/TopUpRepository") {}
