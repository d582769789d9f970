import { Effect } from "effect"
import type { AuditEntry } from "../../audit/domain/audit-entry.ts"
import type { AuditFilter } from "../../audit/ports/audit-log.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import type { Application } from "../domain/application.ts"
import type { Party } from "../domain/party.ts"
import type { ApplicationNotFound, PartyNotFound } from "../domain/vetting.errors.ts"
import type { VettingServices } from "./services.ts"

/** A party as ops and the API show it: with its profile completeness and lead eligibility. */
export interface PartyView {
  readonly party: Party
  readonly completeness: number
  readonly latestApplication: Application | undefined
  readonly leadEligible: boolean
}

export interface ApplicationView {
  readonly application: Application
  readonly party: Party
}

type Q<In, Out, Err> = (
  input: In,
) => Effect.Effect<Out, Err | InvalidInput | PersistenceUnavailable, VettingServices>

/** TODO(core): implement the queries. */
export const getParty: Q<unknown, PartyView, PartyNotFound> = () => Effect.die("not implemented")
export const listParties: Q<unknown, ReadonlyArray<PartyView>, never> = () =>
  Effect.die("not implemented")
export const getApplication: Q<unknown, ApplicationView, ApplicationNotFound> = () =>
  Effect.die("not implemented")
export const listApplications: Q<unknown, ReadonlyArray<ApplicationView>, never> = () =>
  Effect.die("not implemented")
export const listAudit: Q<AuditFilter, ReadonlyArray<AuditEntry>, never> = () =>
  Effect.die("not implemented")
