import {
  approveLeadRefund,
  getOffer,
  type LeadRefund,
  LeadRefundState,
  listLeadRefunds,
  type Offer,
  RefundReason,
  rejectLeadRefund,
  requestLeadRefund,
  type TimeWindow,
} from "@fundi/core"
import { type Command, Option } from "commander"
import type { FieldLabels } from "../errors.ts"
import { type Json, shortTime, truncate, writeFields, writeJson, writeTable } from "../output.ts"
import { operatorName, type Session } from "../session.ts"
import {
  idLabel,
  type MutatingOptions,
  mutatingCommand,
  type OpsOptions,
  opsCommand,
  parseLimit,
} from "./common.ts"

const iso = (at: number): string => new Date(at).toISOString()
const isoOrNull = (at: number | undefined): string | null => (at === undefined ? null : iso(at))
const windowJson = (w: TimeWindow): Json => ({ start: iso(w.start), end: iso(w.end) })
const windowText = (w: TimeWindow): string => `${shortTime(w.start)} – ${shortTime(w.end)}`

/** An offer as `--json` prints it: times in ISO-8601, absent fields as null. */
export const offerJson = (o: Offer): Json => ({
  id: o.id,
  requestId: o.requestId,
  providerId: o.providerId,
  state: o.state,
  offeredAt: iso(o.offeredAt),
  expiresAt: iso(o.expiresAt),
  previewedAt: isoOrNull(o.previewedAt),
  unlockedAt: isoOrNull(o.unlockedAt),
  holdExpiresAt: isoOrNull(o.holdExpiresAt),
  creditsCharged: o.creditsCharged ?? null,
  proposedTimes: o.proposedTimes === undefined ? null : o.proposedTimes.map(windowJson),
  chosenSlot: o.chosenSlot === undefined ? null : windowJson(o.chosenSlot),
  decidedAt: isoOrNull(o.decidedAt),
  declineReason: o.declineReason ?? null,
  expiryCause: o.expiryCause ?? null,
  updatedAt: iso(o.updatedAt),
})

const optionalField = (label: string, value: string | undefined) =>
  value === undefined ? [] : [[label, value] as const]

export const offerFields = (o: Offer): Array<readonly [string, string]> => [
  ["offer", o.id],
  ["state", o.state],
  ["request", o.requestId],
  ["provider", o.providerId],
  ["offered", shortTime(o.offeredAt)],
  ["expires", shortTime(o.expiresAt)],
  ...optionalField("previewed", o.previewedAt === undefined ? undefined : shortTime(o.previewedAt)),
  ...optionalField("unlocked", o.unlockedAt === undefined ? undefined : shortTime(o.unlockedAt)),
  ...optionalField(
    "held until",
    o.holdExpiresAt === undefined ? undefined : shortTime(o.holdExpiresAt),
  ),
  ...optionalField(
    "credits charged",
    o.creditsCharged === undefined ? undefined : String(o.creditsCharged),
  ),
  ...optionalField("proposed times", o.proposedTimes?.map(windowText).join(", ")),
  ...optionalField(
    "chosen slot",
    o.chosenSlot === undefined ? undefined : windowText(o.chosenSlot),
  ),
  ...optionalField("decided", o.decidedAt === undefined ? undefined : shortTime(o.decidedAt)),
  ...optionalField("declined because", o.declineReason),
  ...optionalField("expired by", o.expiryCause),
  ["updated", shortTime(o.updatedAt)],
]

const offerLabels = (id: string): FieldLabels => ({ offerId: idLabel(id) })

export const registerLeads = (ops: Command, session: Session): void => {
  const leads = ops.command("leads").description("leads (offers) made to providers")

  opsCommand(leads.command("show"))
    .description("one offer: its state, times, credits charged and proposed times")
    .argument("<id>", "offer id (ofr_…)")
    .action(async (id: string, options: OpsOptions) => {
      operatorName(options.as, session.io.env)
      const offer = await session.execute(getOffer({ offerId: id }), offerLabels(id))
      if (options.json) {
        writeJson(session.io.stdout, { offer: offerJson(offer) })
        return
      }
      writeFields(session.io.stdout, offerFields(offer), "")
    })

  registerLeadRefunds(leads, session)
}

/** A refund claim as `--json` prints it: times in ISO-8601, absent fields as null. */
export const leadRefundJson = (r: LeadRefund): Json => ({
  id: r.id,
  offerId: r.offerId,
  requestId: r.requestId,
  providerId: r.providerId,
  reason: r.reason,
  note: r.note ?? null,
  duplicateOf: r.duplicateOf ?? null,
  credits: r.credits,
  state: r.state,
  requestedAt: iso(r.requestedAt),
  decidedAt: isoOrNull(r.decidedAt),
  decidedBy: r.decidedBy ?? null,
  decisionReason: r.decisionReason ?? null,
  updatedAt: iso(r.updatedAt),
})

export const leadRefundFields = (r: LeadRefund): Array<readonly [string, string]> => [
  ["refund", r.id],
  ["state", r.state],
  ["offer", r.offerId],
  ["request", r.requestId],
  ["provider", r.providerId],
  ["reason", r.reason],
  ...optionalField("duplicate of", r.duplicateOf),
  ...optionalField("note", r.note),
  ["credits", String(r.credits)],
  ["requested", shortTime(r.requestedAt)],
  ...optionalField("decided", r.decidedAt === undefined ? undefined : shortTime(r.decidedAt)),
  ...optionalField("decided by", r.decidedBy),
  ...optionalField("because", r.decisionReason),
]

const refundLabels = (id: string): FieldLabels => ({ refundId: `REFUND "${id}"` })

interface RefundRequestOptions extends MutatingOptions {
  readonly provider: string
  readonly reasonCode: string
  readonly note?: string
  readonly duplicateOf?: string
}

/** `fundi ops leads refunds | refund-request | refund-approve | refund-reject`. */
const registerLeadRefunds = (leads: Command, session: Session): void => {
  const printRefund = (refund: LeadRefund, options: OpsOptions, headline: string) => {
    if (options.json) {
      writeJson(session.io.stdout, { refund: leadRefundJson(refund) })
      return
    }
    session.io.stdout.write(`${headline}\n`)
    writeFields(session.io.stdout, leadRefundFields(refund), "")
  }

  opsCommand(leads.command("refunds"))
    .description(
      "the refund queue: providers' claims to get an unlock's credits back that wait for a decision (--all: decided ones too), oldest first",
    )
    .addOption(
      new Option("--state <state>", "only claims in this state").choices(LeadRefundState.literals),
    )
    .addOption(new Option("--all", "every claim, decided or not").conflicts("state"))
    .option("--limit <n>", "at most this many (1-1000)", parseLimit)
    .action(
      async (
        options: OpsOptions & {
          readonly state?: LeadRefundState
          readonly all?: boolean
          readonly limit?: number
        },
      ) => {
        operatorName(options.as, session.io.env)
        // The queue by default: what waits for ops.
        const state = options.all === true ? undefined : (options.state ?? "requested")
        const refunds = await session.execute(
          listLeadRefunds({
            ...(state === undefined ? {} : { state }),
            ...(options.limit === undefined ? {} : { limit: options.limit }),
          }),
        )
        if (options.json) {
          writeJson(session.io.stdout, { refunds: refunds.map(leadRefundJson) })
          return
        }
        writeTable(
          session.io.stdout,
          refunds,
          [
            { header: "REFUND", cell: (r) => r.id },
            { header: "STATE", cell: (r) => r.state },
            { header: "REASON", cell: (r) => r.reason },
            { header: "CREDITS", cell: (r) => String(r.credits) },
            { header: "PROVIDER", cell: (r) => r.providerId },
            { header: "OFFER", cell: (r) => r.offerId },
            { header: "REQUESTED", cell: (r) => shortTime(r.requestedAt) },
            { header: "NOTE", cell: (r) => truncate(r.note ?? "", 40) },
          ],
          state === undefined ? "no refund claims" : `no ${state} refund claims`,
        )
      },
    )

  mutatingCommand(leads.command("refund-request"))
    .description("record a provider's refund claim on one of their unlocked leads (phoned in)")
    .argument("<offer>", "offer id (ofr_…)")
    .requiredOption("--provider <id>", "the provider who unlocked the lead (pty_…)")
    .addOption(
      new Option("--reason-code <code>", "why the credits should come back")
        .choices(RefundReason.literals)
        .makeOptionMandatory(),
    )
    .option("--note <text>", "the provider's own words")
    .option("--duplicate-of <request>", "for duplicate_request: the earlier request (req_…)")
    .action(async (offerId: string, options: RefundRequestOptions) => {
      const operator = operatorName(options.as, session.io.env)
      const refund = await session.execute(
        requestLeadRefund({
          offerId,
          providerId: options.provider,
          reason: options.reasonCode,
          ...(options.note === undefined ? {} : { note: options.note }),
          ...(options.duplicateOf === undefined ? {} : { duplicateOf: options.duplicateOf }),
          operator,
          operatorReason: options.reason,
        }),
        {
          offerId: `OFFER "${offerId}"`,
          providerId: "--provider",
          partyId: "--provider",
          reason: "--reason-code",
          note: "--note",
          duplicateOf: "--duplicate-of",
          operatorReason: "--reason",
        },
      )
      printRefund(refund, options, `refund claim ${refund.id} recorded: waiting for a decision`)
    })

  for (const [name, decide, verb] of [
    ["refund-approve", approveLeadRefund, "approved"],
    ["refund-reject", rejectLeadRefund, "rejected"],
  ] as const) {
    mutatingCommand(leads.command(name))
      .description(
        verb === "approved"
          ? "approve a refund claim: the unlock's credits go back to the provider through the ledger"
          : "reject a refund claim: no credits move; the provider is told the reason",
      )
      .argument("<refund>", "refund claim id (lrf_…)")
      .action(async (refundId: string, options: MutatingOptions) => {
        const operator = operatorName(options.as, session.io.env)
        const refund = await session.execute(
          decide({ refundId, operator, reason: options.reason }),
          refundLabels(refundId),
        )
        printRefund(
          refund,
          options,
          verb === "approved"
            ? `refund claim ${refund.id} approved: ${refund.credits} credits back to ${refund.providerId}`
            : `refund claim ${refund.id} rejected: no credits moved`,
        )
      })
  }
}
