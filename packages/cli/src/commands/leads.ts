import { getOffer, type Offer, type TimeWindow } from "@fundi/core"
import type { Command } from "commander"
import type { FieldLabels } from "../errors.ts"
import { type Json, shortTime, writeFields, writeJson } from "../output.ts"
import { operatorName, type Session } from "../session.ts"
import { type OpsOptions, opsCommand } from "./common.ts"

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

const offerLabels = (id: string): FieldLabels => ({ offerId: `ID "${id}"` })

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
}
