import { Context, type Effect } from "effect"
import type { ApplicationId, PartyId } from "../../shared/ids.ts"
import type { BackgroundCheckUnavailable } from "../domain/vetting.errors.ts"

/**
 * The background-check service. It is asked to start a check and answers with its own
 * reference; the result arrives later and is recorded by `recordBackgroundCheck` (by ops
 * from the CLI with the default manual adapter, or by a webhook from a real service).
 */
export class BackgroundCheck extends Context.Service<
  BackgroundCheck,
  {
    readonly request: (subject: {
      readonly applicationId: ApplicationId
      readonly partyId: PartyId
      readonly name: string
      readonly phone: string
    }) => Effect.Effect<{ readonly reference: string }, BackgroundCheckUnavailable>
  }
>()("@fundi/core/BackgroundCheck") {}
