import { Effect, Option } from "effect"
import type { AuditEntry } from "../../audit/domain/audit-entry.ts"
import { AuditLog } from "../../audit/ports/audit-log.ts"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import type { Application } from "../domain/application.ts"
import { isLeadEligible } from "../domain/party.ops.ts"
import type { Party } from "../domain/party.ts"
import { completeness } from "../domain/profile.ops.ts"
import { ApplicationNotFound, PartyNotFound } from "../domain/vetting.errors.ts"
import { ApplicationRepository } from "../ports/application-repository.ts"
import { PartyRepository } from "../ports/party-repository.ts"
import {
  ApplicationRef,
  ListApplicationsInput,
  ListAuditInput,
  ListPartiesInput,
  PartyRef,
} from "./inputs.ts"
import type { VettingServices } from "./services.ts"
import { latestApplication } from "./support.ts"

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

const viewOf = (party: Party) =>
  Effect.map(latestApplication(party.id), (latest) => ({
    party,
    completeness: completeness(party.kind, party.profile),
    latestApplication: latest,
    leadEligible: isLeadEligible(party, latest),
  }))

/** Every application belongs to a party (a foreign key on Postgres): a missing one is a bug. */
const partyOf = (application: Application) =>
  Effect.gen(function* () {
    const found = yield* (yield* PartyRepository).findById(application.partyId)
    if (Option.isNone(found)) {
      return yield* Effect.die(new PartyNotFound({ partyId: application.partyId }))
    }
    return found.value
  })

export const getParty: Q<unknown, PartyView, PartyNotFound> = Effect.fn("getParty")(function* (
  raw: unknown,
) {
  const { partyId } = yield* decodeInput(PartyRef)(raw)
  const found = yield* (yield* PartyRepository).findById(partyId)
  if (Option.isNone(found)) return yield* new PartyNotFound({ partyId })
  return yield* viewOf(found.value)
})

/** Newest first. */
export const listParties: Q<unknown, ReadonlyArray<PartyView>, never> = Effect.fn("listParties")(
  function* (raw: unknown) {
    const filter = yield* decodeInput(ListPartiesInput)(raw)
    const parties = yield* (yield* PartyRepository).list(filter)
    return yield* Effect.forEach(parties, viewOf)
  },
)

export const getApplication: Q<unknown, ApplicationView, ApplicationNotFound> = Effect.fn(
  "getApplication",
)(function* (raw: unknown) {
  const { applicationId } = yield* decodeInput(ApplicationRef)(raw)
  const found = yield* (yield* ApplicationRepository).findById(applicationId)
  if (Option.isNone(found)) return yield* new ApplicationNotFound({ applicationId })
  return { application: found.value, party: yield* partyOf(found.value) }
})

/** The review queue: most complete profiles first, then the longest waiting. */
export const listApplications: Q<unknown, ReadonlyArray<ApplicationView>, never> = Effect.fn(
  "listApplications",
)(function* (raw: unknown) {
  const filter = yield* decodeInput(ListApplicationsInput)(raw)
  const applications = yield* (yield* ApplicationRepository).list(filter)
  return yield* Effect.forEach(applications, (application) =>
    Effect.map(partyOf(application), (party) => ({ application, party })),
  )
})

/** Newest first. */
export const listAudit: Q<unknown, ReadonlyArray<AuditEntry>, never> = Effect.fn("listAudit")(
  function* (raw: unknown) {
    const filter = yield* decodeInput(ListAuditInput)(raw)
    return yield* (yield* AuditLog).list(filter)
  },
)
