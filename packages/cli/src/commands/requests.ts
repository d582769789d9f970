import type { FundiServices } from "@fundi/adapters"
import {
  askClarification,
  type ClarificationEntry,
  Cohort,
  cancelRequest,
  getRequest,
  type ListRequestsInput,
  listClarifications,
  listRequestOffers,
  listRequests,
  markReady,
  type Offer,
  RequestState,
  reviewQueueStates,
  type ServiceRequest,
} from "@fundi/core"
import { type Command, Option } from "commander"
import type { Effect } from "effect"
import type { FieldLabels } from "../errors.ts"
import { type Json, shortTime, writeFields, writeJson, writeTable } from "../output.ts"
import { operatorName, type Session } from "../session.ts"
import {
  collectOneOf,
  idLabel,
  type MutatingOptions,
  mutatingCommand,
  type OpsOptions,
  opsCommand,
  parseLimit,
} from "./common.ts"
import { offerJson } from "./leads.ts"

const iso = (at: number): string => new Date(at).toISOString()

/** A request as `--json` prints it: times in ISO-8601, the total as a string of minor units. */
export const requestJson = (r: ServiceRequest): Json => ({
  id: r.id,
  customerId: r.customerId,
  state: r.state,
  category: r.category,
  description: r.description,
  location: {
    area: r.location.area,
    point: r.location.point === undefined ? null : { ...r.location.point },
    street: r.location.street ?? null,
  },
  mode: r.mode,
  urgency: r.urgency,
  availability:
    r.availability._tag === "now"
      ? "now"
      : r.availability.windows.map((w) => ({ start: iso(w.start), end: iso(w.end) })),
  estimatedMinutes: r.estimatedMinutes ?? null,
  totalAmountMinor: r.totalAmountMinor === undefined ? null : r.totalAmountMinor.toString(),
  photos: [...r.photos],
  channel: r.channel,
  cohort: r.cohort,
  clarificationQuestion: r.clarificationQuestion ?? null,
  cancellationReason: r.cancellationReason ?? null,
  assignedProviderId: r.assignedProviderId ?? null,
  createdAt: iso(r.createdAt),
  updatedAt: iso(r.updatedAt),
})

const availabilityText = (r: ServiceRequest): string =>
  r.availability._tag === "now"
    ? "now"
    : r.availability.windows.map((w) => `${shortTime(w.start)} – ${shortTime(w.end)}`).join(", ")

export const requestFields = (r: ServiceRequest): Array<readonly [string, string]> => [
  ["request", r.id],
  ["state", r.state],
  ["homeowner", r.customerId],
  ["category", r.category],
  ["description", r.description],
  ["area", r.location.area],
  ...(r.location.point === undefined
    ? []
    : [["point", `${r.location.point.lat}, ${r.location.point.lng}`] as const]),
  ...(r.location.street === undefined ? [] : [["street", r.location.street] as const]),
  ["mode", r.mode],
  ["urgency", r.urgency],
  ["availability", availabilityText(r)],
  ...(r.estimatedMinutes === undefined
    ? []
    : [["estimated", `${r.estimatedMinutes} min`] as const]),
  ...(r.totalAmountMinor === undefined
    ? []
    : [["total", `${r.totalAmountMinor} (minor units)`] as const]),
  ["photos", r.photos.length === 0 ? "-" : r.photos.join(", ")],
  ["channel", r.channel],
  ["cohort", r.cohort],
  ...(r.assignedProviderId === undefined ? [] : [["assigned to", r.assignedProviderId] as const]),
  ...(r.clarificationQuestion === undefined
    ? []
    : [["question", r.clarificationQuestion] as const]),
  ...(r.cancellationReason === undefined
    ? []
    : [["cancelled because", r.cancellationReason] as const]),
  ["submitted", shortTime(r.createdAt)],
  ["updated", shortTime(r.updatedAt)],
]

const printRequest = (
  session: Session,
  options: OpsOptions,
  headline: string | undefined,
  request: ServiceRequest,
): void => {
  const out = session.io.stdout
  if (options.json) {
    writeJson(out, { request: requestJson(request) })
    return
  }
  if (headline !== undefined) out.write(`${headline}\n`)
  writeFields(out, requestFields(request), headline === undefined ? "" : "  ")
}

/** A request's offers, for `requests show`: whom it went to, and where each offer stands. */
const printOffers = (session: Session, offers: ReadonlyArray<Offer>): void =>
  writeTable(
    session.io.stdout,
    offers,
    [
      { header: "OFFER", cell: (o) => o.id },
      { header: "PROVIDER", cell: (o) => o.providerId },
      {
        header: "STATE",
        cell: (o) => (o.expiryCause === undefined ? o.state : `${o.state} (${o.expiryCause})`),
      },
      { header: "OFFERED", cell: (o) => shortTime(o.offeredAt) },
      {
        header: "CREDITS",
        cell: (o) => (o.creditsCharged === undefined ? "-" : String(o.creditsCharged)),
        align: "right",
      },
    ],
    "offers: none yet (the request has not been dispatched)",
  )

/** Ops' questions and the homeowner's answers, for `requests show`. */
const printClarifications = (
  session: Session,
  entries: ReadonlyArray<ClarificationEntry>,
): void => {
  if (entries.length === 0) return
  const out = session.io.stdout
  out.write("\nquestions and answers:\n")
  for (const e of entries) {
    out.write(
      `  ${shortTime(e.at)}  ${e.kind === "question" ? `asked by ${e.by}` : e.kind === "closed" ? `question closed by ${e.by}, request released` : "homeowner answered"}: ${e.text}\n`,
    )
  }
}

const clarificationJson = (e: ClarificationEntry): Json => ({
  kind: e.kind,
  by: e.by,
  text: e.text,
  at: iso(e.at),
})

const printList = (
  session: Session,
  options: OpsOptions,
  requests: ReadonlyArray<ServiceRequest>,
): void => {
  if (options.json) {
    writeJson(session.io.stdout, { requests: requests.map(requestJson) })
    return
  }
  writeTable(
    session.io.stdout,
    requests,
    [
      { header: "ID", cell: (r) => r.id },
      { header: "STATE", cell: (r) => r.state },
      { header: "CATEGORY", cell: (r) => r.category },
      { header: "AREA", cell: (r) => r.location.area },
      { header: "MODE", cell: (r) => r.mode },
      { header: "URGENCY", cell: (r) => r.urgency },
      { header: "COHORT", cell: (r) => r.cohort },
      { header: "SUBMITTED", cell: (r) => shortTime(r.createdAt) },
    ],
    "no requests match",
  )
}

/** Name the ID argument, with what was typed, when the use case rejects it. */
const requestLabels = (id: string): FieldLabels => ({
  requestId: idLabel(id),
  question: "--question",
})

interface ListOptions extends OpsOptions {
  readonly all?: boolean
  /** Checked against the states by `collectOneOf` while parsing. */
  readonly state?: ReadonlyArray<RequestState>
  readonly cohort?: Cohort
  readonly limit?: number
}

export const registerRequests = (ops: Command, session: Session): void => {
  const requests = ops
    .command("requests")
    .description(
      "review homeowners' requests: the queue, one request, questions, release to dispatch, cancel",
    )

  opsCommand(requests.command("list"))
    .description("the review queue: requests awaiting ops or the homeowner, oldest first")
    .option(
      "--state <state>",
      `only these states, repeatable or comma-separated (${RequestState.literals.join(", ")}); default: ${reviewQueueStates.join(", ")}`,
      collectOneOf(RequestState.literals),
    )
    .addOption(new Option("--all", "every state").conflicts("state"))
    .addOption(new Option("--cohort <cohort>", "only this cohort").choices([...Cohort.literals]))
    .option("--limit <n>", "at most this many (1-1000)", parseLimit)
    .action(async (options: ListOptions) => {
      operatorName(options.as, session.io.env)
      const states = options.all ? undefined : (options.state ?? reviewQueueStates)
      const input: ListRequestsInput = {
        ...(states !== undefined && { states }),
        ...(options.cohort !== undefined && { cohort: options.cohort }),
        ...(options.limit !== undefined && { limit: options.limit }),
      }
      printList(session, options, await session.execute(listRequests(input)))
    })

  opsCommand(requests.command("show"))
    .description("one request with everything the homeowner gave")
    .argument("<id>", "request id (req_…)")
    .action(async (id: string, options: OpsOptions) => {
      operatorName(options.as, session.io.env)
      const request = await session.execute(getRequest({ requestId: id }), requestLabels(id))
      const offers = await session.execute(listRequestOffers({ requestId: id }), requestLabels(id))
      const clarifications = await session.execute(
        listClarifications({ requestId: id }),
        requestLabels(id),
      )
      if (options.json) {
        writeJson(session.io.stdout, {
          request: requestJson(request),
          clarifications: clarifications.map(clarificationJson),
          offers: offers.map(offerJson),
        })
        return
      }
      printRequest(session, options, undefined, request)
      printClarifications(session, clarifications)
      session.io.stdout.write("\n")
      printOffers(session, offers)
    })

  opsCommand(requests.command("clarify"))
    .description(
      "ask the homeowner a question (sent on WhatsApp); the request waits for the answer",
    )
    .argument("<id>", "request id (req_…)")
    .requiredOption("--question <text>", "what to ask the homeowner, as they will read it")
    .action(async (id: string, options: OpsOptions & { readonly question: string }) => {
      const operator = operatorName(options.as, session.io.env)
      const request = await session.execute(
        askClarification({ requestId: id, operator, question: options.question }),
        requestLabels(id),
      )
      printRequest(session, options, `asked the homeowner about request ${request.id}`, request)
    })

  opsCommand(requests.command("ready"))
    .description("release a reviewed request for dispatch")
    .argument("<id>", "request id (req_…)")
    .option("--reason <text>", "a note for the audit log")
    .action(async (id: string, options: OpsOptions & { readonly reason?: string }) => {
      const operator = operatorName(options.as, session.io.env)
      const run: Effect.Effect<ServiceRequest, unknown, FundiServices> = markReady({
        requestId: id,
        operator,
        ...(options.reason !== undefined && { reason: options.reason }),
      })
      const request = await session.execute(run, requestLabels(id))
      printRequest(session, options, `request ${request.id} is ready for dispatch`, request)
    })

  mutatingCommand(requests.command("cancel"))
    .description("cancel a request; --reason is told to the homeowner")
    .argument("<id>", "request id (req_…)")
    .action(async (id: string, options: MutatingOptions) => {
      const operator = operatorName(options.as, session.io.env)
      const request = await session.execute(
        cancelRequest({ requestId: id, operator, reason: options.reason }),
        requestLabels(id),
      )
      printRequest(session, options, `cancelled request ${request.id}`, request)
    })
}
