import type { FundiServices } from "@fundi/adapters"
import {
  activateParty,
  type Cohort,
  deactivateParty,
  getParty,
  type ListPartiesInput,
  listParties,
  type Party,
  PartyStatus,
  type PartyView,
  reinstateParty,
  suspendParty,
} from "@fundi/core"
import { type Command, Option } from "commander"
import type { Effect } from "effect"
import {
  applicationFields,
  list,
  partyFields,
  partyJson,
  partyViewJson,
  truncate,
  writeFields,
  writeJson,
  writeTable,
} from "../output.ts"
import { operatorName, type Session } from "../session.ts"
import {
  idLabels,
  type MutatingOptions,
  mutatingCommand,
  type OpsOptions,
  opsCommand,
  parseLimit,
} from "./common.ts"

interface ListOptions extends OpsOptions {
  readonly status?: PartyStatus
  readonly cohort?: Cohort
  readonly limit?: number
}

const printList = (session: Session, options: OpsOptions, views: ReadonlyArray<PartyView>) => {
  if (options.json) {
    writeJson(session.io.stdout, { providers: views.map(partyViewJson) })
    return
  }
  writeTable(
    session.io.stdout,
    views,
    [
      { header: "ID", cell: (v) => v.party.id },
      { header: "STATUS", cell: (v) => v.party.status },
      { header: "NAME", cell: (v) => v.party.profile.displayName ?? "-" },
      { header: "PHONE", cell: (v) => v.party.phone },
      { header: "CATEGORIES", cell: (v) => truncate(list(v.party.profile.categories), 30) },
      { header: "AREAS", cell: (v) => truncate(list(v.party.profile.serviceAreas), 30) },
      { header: "COMPLETE", cell: (v) => `${v.completeness}%`, align: "right" },
      { header: "APPLICATION", cell: (v) => v.latestApplication?.state ?? "-" },
      { header: "LEADS", cell: (v) => (v.leadEligible ? "yes" : "no") },
    ],
    "no providers match",
  )
}

const printView = (session: Session, options: OpsOptions, view: PartyView) => {
  const out = session.io.stdout
  if (options.json) {
    writeJson(out, partyViewJson(view))
    return
  }
  writeFields(out, [
    ...partyFields(view.party),
    ["completeness", `${view.completeness}%`],
    ["receives leads", view.leadEligible ? "yes" : "no"],
  ])
  if (view.latestApplication !== undefined) {
    out.write("\nlatest application\n")
    writeFields(out, applicationFields(view.latestApplication), "  ")
  }
}

export const registerProviders = (ops: Command, session: Session): void => {
  const providers = ops
    .command("providers")
    .description("providers on the marketplace: list, inspect, and change their status")

  opsCommand(providers.command("list"))
    .description("providers, newest first")
    .addOption(new Option("--status <status>", "only this status").choices(PartyStatus.literals))
    .addOption(new Option("--cohort <cohort>", "only this cohort").choices(["live", "test"]))
    .option("--limit <n>", "at most this many (1-1000)", parseLimit)
    .action(async (options: ListOptions) => {
      operatorName(options.as, session.io.env)
      const input: ListPartiesInput = {
        kind: "provider",
        ...(options.status !== undefined && { status: options.status }),
        ...(options.cohort !== undefined && { cohort: options.cohort }),
        ...(options.limit !== undefined && { limit: options.limit }),
      }
      printList(session, options, await session.execute(listParties(input)))
    })

  opsCommand(providers.command("show"))
    .description("a provider's profile, status, lead eligibility and latest application")
    .argument("<id>", "party id (pty_…)")
    .action(async (id: string, options: OpsOptions) => {
      operatorName(options.as, session.io.env)
      printView(session, options, await session.execute(getParty({ partyId: id }), idLabels(id)))
    })

  const change = (
    name: string,
    description: string,
    useCase: (input: unknown) => Effect.Effect<Party, unknown, FundiServices>,
    done: string,
  ) =>
    mutatingCommand(providers.command(name))
      .description(description)
      .argument("<id>", "party id (pty_…)")
      .action(async (id: string, options: MutatingOptions) => {
        const operator = operatorName(options.as, session.io.env)
        const party = await session.execute(
          useCase({ partyId: id, operator, reason: options.reason }),
          idLabels(id),
        )
        if (options.json) {
          writeJson(session.io.stdout, { party: partyJson(party) })
          return
        }
        session.io.stdout.write(`${done} ${party.id}: now ${party.status}\n`)
        writeFields(session.io.stdout, partyFields(party), "  ")
      })

  change(
    "suspend",
    "stop an active provider from receiving leads until reinstated",
    suspendParty,
    "suspended",
  )
  change("reinstate", "make a suspended provider active again", reinstateParty, "reinstated")
  change(
    "deactivate",
    "take an active provider off the marketplace (e.g. at their request)",
    deactivateParty,
    "deactivated",
  )
  change(
    "activate",
    "make an inactive provider with an approved application active again",
    activateParty,
    "activated",
  )
}
