import { Context, type Effect, type Option } from "effect"
import type { PersistenceUnavailable } from "../../shared/errors.ts"
import type { ApplicationId, PartyId } from "../../shared/ids.ts"
import type { Application, ApplicationState } from "../domain/application.ts"
import type { PartyKind } from "../domain/party.ts"

export interface ApplicationFilter {
  readonly states?: ReadonlyArray<ApplicationState>
  readonly role?: PartyKind
  readonly partyId?: PartyId
  readonly limit?: number
  readonly offset?: number
}

export class ApplicationRepository extends Context.Service<
  ApplicationRepository,
  {
    readonly insert: (application: Application) => Effect.Effect<void, PersistenceUnavailable>
    readonly update: (application: Application) => Effect.Effect<void, PersistenceUnavailable>
    readonly findById: (
      id: ApplicationId,
      options?: { readonly forUpdate?: boolean },
    ) => Effect.Effect<Option.Option<Application>, PersistenceUnavailable>
    /** The party's most recent application (by createdAt, then id), if any. */
    readonly latestForParty: (
      partyId: PartyId,
    ) => Effect.Effect<Option.Option<Application>, PersistenceUnavailable>
    /**
     * The review queue order: completeness descending, then submittedAt (or createdAt)
     * ascending, then id ascending, so it is stable.
     */
    readonly list: (
      filter: ApplicationFilter,
    ) => Effect.Effect<ReadonlyArray<Application>, PersistenceUnavailable>
  }
>()("@fundi/core/ApplicationRepository") {}
