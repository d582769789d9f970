import type { TimeWindow } from "../../dispatch/domain/service-request.ts"
import type { BusinessModel } from "../../policy/policy.ts"
import { showWindowStart } from "../../shared/local-time.ts"
import { showWindow } from "./availability.ops.ts"
import { actionId, parseActionId } from "./commands.ops.ts"
import { WhatsAppLimits } from "./intent.ops.ts"
import type { MessageIntent } from "./intent.ts"
import { buttonsReply, listReply, textReply } from "./replies.ts"

/**
 * The interactive parts of lead and proposed-time messages: buttons whose ids carry the
 * action and the offer, so a tap reaches the right use case without any session state.
 */

/**
 * A new lead: Unlock / Decline where leads cost credits. Elsewhere an offer has no unlock
 * step a provider can take (unlockLead refuses: LeadsNotSold), so only Decline is offered.
 */
export const leadOfferedIntent = (
  body: string,
  offerId: string,
  model: BusinessModel,
): MessageIntent =>
  buttonsReply("lead.offered", body, [
    ...(model === "credits" ? [{ id: actionId.offer(offerId, "unlock"), title: "Unlock" }] : []),
    { id: actionId.offer(offerId, "decline"), title: "Decline" },
  ]).intent

/** An unlocked lead: the provider accepts, declines or proposes three other times. */
export const unlockedLeadIntent = (body: string, offerId: string): MessageIntent =>
  buttonsReply("lead.unlocked", body, [
    { id: actionId.offer(offerId, "accept"), title: "Accept" },
    { id: actionId.offer(offerId, "decline"), title: "Decline" },
    { id: actionId.offer(offerId, "propose"), title: "Propose times" },
  ]).intent

/** The three proposed times and "None of these", as a list the homeowner picks from. */
export const timesProposedIntent = (
  body: string,
  offerId: string,
  slots: ReadonlyArray<TimeWindow>,
  timeZone: string,
): MessageIntent =>
  listReply("lead.times_proposed", body, "Pick a time", [
    ...slots.slice(0, 3).map((slot, i) => {
      const whole = showWindow(slot, timeZone)
      // A window ending on another day does not fit a row title: the start there, all below.
      return whole.length <= WhatsAppLimits.list.rowTitle
        ? { id: actionId.pickTime(offerId, i), title: whole }
        : {
            id: actionId.pickTime(offerId, i),
            title: showWindowStart(slot, timeZone),
            description: whole,
          }
    }),
    { id: actionId.pickTime(offerId, "none"), title: "None of these" },
  ]).intent

/** What the chat says of an unlocked lead: the job, and what the provider may do next. */
export interface UnlockedLead {
  readonly category: string
  readonly area: string
  readonly urgency: string
  readonly description?: string
}

const leadLine = (lead: UnlockedLead): string =>
  [
    `${lead.category} in ${lead.area}, ${lead.urgency}.`,
    lead.description === undefined ? "" : `"${lead.description}"`,
  ]
    .filter((part) => part.length > 0)
    .join(" ")

/**
 * The unlocked lead's details, just unlocked or `again` (a second tap on Unlock, or
 * unlocked on the lead page first: nothing is charged again). While the offer is still
 * unlocked (`state`), the provider gets Accept / Decline / Propose times; once they have
 * answered it, words only.
 */
export const unlockedLeadReply = (
  lead: UnlockedLead,
  offerId: string,
  state: "unlocked" | "times_proposed" | "accepted",
  again: boolean,
  /** The hold's end on the marketplace clock ("24 November 2026, 14:05"), when known. */
  heldUntil?: string,
): { readonly template: string; readonly intent: MessageIntent } => {
  const head = again
    ? `You unlocked this lead already (no credits taken again): ${leadLine(lead)}`
    : `Unlocked: ${leadLine(lead)}`
  switch (state) {
    case "unlocked": {
      const body =
        heldUntil === undefined
          ? `${head} Accept the job, decline it, or propose three other times.`
          : `${head} It is held for you until ${heldUntil}: accept the job, decline it, or propose three other times before then, or the lead goes back.`
      return { template: "lead.unlocked", intent: unlockedLeadIntent(body, offerId) }
    }
    case "times_proposed":
      return {
        template: "lead.unlocked",
        intent: textReply(
          "lead.unlocked",
          `${head} You proposed three times; we will tell you which one the homeowner picks.`,
        ).intent,
      }
    case "accepted":
      return {
        template: "lead.unlocked",
        intent: textReply("lead.unlocked", `${head} You accepted this job.`).intent,
      }
  }
}

/**
 * The offer a proposed-times message is about, read from its rows' ids (`times:<offer>:n`),
 * so a homeowner's reply in context to it names the offer. Undefined for anything else.
 */
export const offerOfTimesMessage = (intent: MessageIntent): string | undefined => {
  if (intent._tag !== "list") return undefined
  const offers = new Set(
    intent.sections.flatMap((section) =>
      section.rows.flatMap((row) => {
        const action = parseActionId(row.id)
        return typeof action === "object" && action._tag === "pick_time" ? [action.offerId] : []
      }),
    ),
  )
  const [only, ...others] = [...offers]
  return others.length === 0 ? only : undefined
}
