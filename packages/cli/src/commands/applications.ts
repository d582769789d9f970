import type { FundiServices } from "@fundi/adapters"
import {
  type Application,
  ApplicationState,
  type ApplicationView,
  approveApplication,
  getApplication,
  type ListApplicationsInput,
  listApplications,
  type PartyKind,
  rejectApplication,
  startReview,
} from "@fundi/core"
import { type Command, Option } from "commander"
import type { Effect } from "effect"
import {
  applicationFields,
  applicationJson,
  applicationViewJson,
  partyFields,
  shortTime,
  writeFields,
  writeJson,
  writeTable,
} from "../output.ts"
import { operatorName, type Session } from "../session.ts"
import {
  collectOneOf,
  idLabels,
  type MutatingOptions,
  mutatingCommand,
  type OpsOptions,
  opsCommand,
  parseLimit,
} from "./common.ts"

/** Prints an application after a change: a headline saying what happened, then its fields. */
export const printApplication = (
  session: Session,
  options: OpsOptions,
  headline: string,
  application: Application,
): void => {
  const out = session.io.stdout
  if (options.json) {
    writeJson(out, { application: applicationJson(application) })
    return
  }
  out.write(`${headline}\n`)
  writeFields(out, applicationFields(application), "  ")
}

const printView = (session: Session, options: OpsOptions, view: ApplicationView): void => {
  const out = session.io.stdout
  if (options.json) {
    writeJson(out, applicationViewJson(view))
    return
  }
  writeFields(out, applicationFields(view.application))
  out.write("\napplicant\n")
  writeFields(out, partyFields(view.party), "  ")
}

const printList = (
  session: Session,
  options: OpsOptions,
  views: ReadonlyArray<ApplicationView>,
): void => {
  if (options.json) {
    writeJson(session.io.stdout, { applications: views.map(applicationViewJson) })
    return
  }
  writeTable(
    session.io.stdout,
    views,
    [
      { header: "ID", cell: (v) => v.application.id },
      { header: "STATE", cell: (v) => v.application.state },
      { header: "ROLE", cell: (v) => v.application.role },
      { header: "COMPLETE", cell: (v) => `${v.application.completeness}%`, align: "right" },
      { header: "NAME", cell: (v) => v.party.profile.displayName ?? "-" },
      { header: "PHONE", cell: (v) => v.party.phone },
      {
        header: "SUBMITTED",
        cell: (v) => shortTime(v.application.submittedAt ?? v.application.createdAt),
      },
    ],
    "no applications match",
  )
}

/** What ops need to act on: submitted and not yet decided (drafts are not submitted yet). */
const awaitingDecision: ReadonlyArray<ApplicationState> = [
  "submitted",
  "in_review",
  "background_check",
]

interface ListOptions extends OpsOptions {
  readonly all?: boolean
  /** Checked against the states by `collectOneOf` while parsing. */
  readonly state?: ReadonlyArray<ApplicationState>
  readonly role?: PartyKind
  readonly limit?: number
}

export const registerApplications = (ops: Command, session: Session): void => {
  const applications = ops
    .command("applications")
    .description("review applications: the queue, one application, and the decisions on it")

  opsCommand(applications.command("list"))
    .description(
      "the review queue: applications awaiting a decision, most complete profiles first, then the longest waiting",
    )
    .option(
      "--state <state>",
      `only these states, repeatable or comma-separated (${ApplicationState.literals.join(", ")}); default: ${awaitingDecision.join(", ")}`,
      collectOneOf(ApplicationState.literals),
    )
    .addOption(new Option("--all", "every state, decided ones included").conflicts("state"))
    .addOption(new Option("--role <role>", "only this role").choices(["provider", "customer"]))
    .option("--limit <n>", "at most this many (1-1000)", parseLimit)
    .action(async (options: ListOptions) => {
      operatorName(options.as, session.io.env)
      const states = options.all ? undefined : (options.state ?? awaitingDecision)
      const input: ListApplicationsInput = {
        ...(states !== undefined && { states }),
        ...(options.role !== undefined && { role: options.role }),
        ...(options.limit !== undefined && { limit: options.limit }),
      }
      printList(session, options, await session.execute(listApplications(input)))
    })

  opsCommand(applications.command("show"))
    .description("an application with the applicant's profile")
    .argument("<id>", "application id (app_…)")
    .action(async (id: string, options: OpsOptions) => {
      operatorName(options.as, session.io.env)
      const view = await session.execute(getApplication({ applicationId: id }), idLabels(id))
      printView(session, options, view)
    })

  const decision = (
    name: string,
    description: string,
    useCase: (input: unknown) => Effect.Effect<Application, unknown, FundiServices>,
    headline: (a: Application) => string,
  ) =>
    mutatingCommand(applications.command(name))
      .description(description)
      .argument("<id>", "application id (app_…)")
      .action(async (id: string, options: MutatingOptions) => {
        const operator = operatorName(options.as, session.io.env)
        const application = await session.execute(
          useCase({ applicationId: id, operator, reason: options.reason }),
          idLabels(id),
        )
        printApplication(session, options, headline(application), application)
      })

  decision(
    "review",
    "start reviewing a submitted application",
    startReview,
    (a) => `reviewing application ${a.id}`,
  )
  decision(
    "approve",
    "approve an application (after a passed background check when the policy requires one)",
    approveApplication,
    (a) => `approved application ${a.id}: party ${a.partyId} may now work on the marketplace`,
  )
  decision(
    "reject",
    "reject an application; --reason is told to the applicant",
    rejectApplication,
    (a) => `rejected application ${a.id}`,
  )
}
