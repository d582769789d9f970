import { type LeadPage, type MarketplacePolicy, type TimeWindow, urgencyLabel } from "@fundi/core"
import { html } from "hono/html"
import { type Html, layout } from "./layout.ts"
import { formatTime, formatWindow, toLocalDateTime } from "./local-time.ts"

/** Flash messages after an action, chosen by a code in the redirect (never echoed text). */
export const leadFlash = {
  unlocked: "Unlocked. The full job details are below.",
  accepted: "Accepted. The job is yours: the homeowner's contact details are below.",
  declined: "Declined. We will offer the lead to someone else.",
  proposed: "Your three times were sent to the homeowner. We will tell you which one they pick.",
} as const
export type LeadFlash = keyof typeof leadFlash

const row = (label: string, value: Html | string | number | undefined) =>
  value === undefined ? "" : html`<dt>${label}</dt><dd>${value}</dd>`

const when = (page: LeadPage, zone: string): Html | string => {
  const availability = page.view?.availability
  if (availability === undefined || availability._tag === "now") return "As soon as possible"
  return html`${availability.windows.map((w) => html`<div>${formatWindow(w, zone)}</div>`)}`
}

const money = (minor: bigint, currency: string) => `${currency} ${(Number(minor) / 100).toFixed(2)}`

/** Three from/to pairs; defaults start tomorrow at 09:00, 11:00 and 14:00 local time. */
const proposeForm = (action: string, now: number, zone: string) => {
  const tomorrow = toLocalDateTime(now + 86_400_000, zone).slice(0, 10)
  const starts = ["09:00", "11:00", "14:00"]
  const ends = ["10:00", "12:00", "15:00"]
  return html`<form method="post" action="${action}/propose-times">
<h2>Propose three other times</h2>
${[0, 1, 2].map(
  (i) => html`<fieldset><legend>Time ${i + 1}</legend>
<label for="slot${i + 1}_from">From</label>
<input type="datetime-local" id="slot${i + 1}_from" name="slot${i + 1}_from" value="${tomorrow}T${starts[i]}" required>
<label for="slot${i + 1}_to">To</label>
<input type="datetime-local" id="slot${i + 1}_to" name="slot${i + 1}_to" value="${tomorrow}T${ends[i]}" required>
</fieldset>`,
)}
<button type="submit" class="secondary">Send these times</button>
</form>`
}

const declineForm = (action: string) => html`<form method="post" action="${action}/decline">
<label for="reason">Reason (optional)</label>
<input id="reason" name="reason" maxlength="1000">
<button type="submit" class="secondary">Decline this lead</button>
</form>`

const slotsList = (slots: ReadonlyArray<TimeWindow>, zone: string) =>
  html`<ol>${slots.map((s) => html`<li>${formatWindow(s, zone)}</li>`)}</ol>`

/**
 * What the provider may do now, by offer state. Nothing is offered once the deadline has
 * passed or the request left dispatching: the action would only be refused.
 */
const actions = (page: LeadPage, action: string, policy: MarketplacePolicy, now: number) => {
  const zone = policy.timeZone
  const open = !page.lapsed && page.request.state === "dispatching"
  switch (page.offer.state) {
    case "offered":
    case "previewed":
      if (!open) return closed(page)
      return html`<div class="card">
${
  policy.model === "credits"
    ? html`<form method="post" action="${action}/unlock"><button type="submit">Unlock for ${page.view?.priceCredits ?? "?"} credits</button></form>`
    : html`<p class="note">This marketplace does not sell leads; ops will contact you.</p>`
}
${declineForm(action)}
</div>`
    case "unlocked":
      if (!open) return closed(page)
      return html`<div class="card">
${
  page.offer.holdExpiresAt === undefined
    ? ""
    : html`<p class="note">Held for you until <strong>${formatTime(page.offer.holdExpiresAt, zone)}</strong>: accept, propose times or decline before then, or the lead goes back.</p>`
}
<form method="post" action="${action}/accept"><button type="submit">Accept the job</button></form>
${proposeForm(action, now, zone)}
${declineForm(action)}
</div>`
    case "times_proposed":
      return html`<div class="card"><h2>Your proposed times</h2>${slotsList(page.offer.proposedTimes ?? [], zone)}
<p class="note">${open ? "Waiting for the homeowner to pick one, or none." : "The homeowner did not pick a time in time."}</p></div>`
    case "accepted":
      return page.stage === "assigned"
        ? html`<div class="card"><p><strong>The job is yours.</strong>${
            page.offer.chosenSlot === undefined
              ? ""
              : html` Agreed time: ${formatWindow(page.offer.chosenSlot, zone)}.`
          }</p></div>`
        : closed(page)
    default:
      return closed(page)
  }
}

/**
 * Why a lead is closed. A cancelled request comes first: its offers expire as withdrawn,
 * which is not a time running out; a provider who paid is told how to get the credits back.
 */
const closed = (page: LeadPage) =>
  html`<div class="card"><p><strong>This lead is closed.</strong></p><p class="note">${
    page.offer.state === "declined"
      ? "You declined it."
      : page.request.state === "cancelled"
        ? `The homeowner's request was cancelled.${
            page.offer.creditsCharged === undefined
              ? ""
              : ` You paid ${page.offer.creditsCharged} credits for it: ask our team to refund them (the request was withdrawn before you could contact the homeowner).`
          }`
        : page.request.state === "assigned"
          ? "It went to another provider."
          : page.lapsed || page.offer.state === "expired"
            ? "Its time ran out."
            : "It is no longer available."
  } We will send you the next one.</p></div>`

/** The lead's photos as thumbnails, each a link to the photo at full size (`/photos/N`). */
const photos = (page: string, count: number): Html =>
  html`<span class="photos">${Array.from({ length: count }, (_, i) => {
    const src = `${page}/photos/${i + 1}`
    return html`<a href="${src}"><img src="${src}" alt="Photo ${i + 1} of ${count}" loading="lazy"></a>`
  })}</span>`

/** The lead page: the lead at the stage the provider may see, then what they can do. */
export const leadPage = (
  page: LeadPage,
  options: {
    readonly action: string
    readonly policy: MarketplacePolicy
    readonly now: number
    readonly flash?: LeadFlash | undefined
  },
): Html => {
  const { policy } = options
  const lead = page.view
  const title = lead === undefined ? "Lead closed" : `${lead.category} lead in ${lead.area}`
  const details =
    lead === undefined
      ? ""
      : html`<div class="card">
<p><span class="state">${lead.stage === "preview" ? "Preview" : lead.stage === "unlocked" ? "Unlocked" : "Assigned to you"}</span></p>
<dl>
${row("Job", lead.category)}
${row("Area", lead.area)}
${row("Urgency", urgencyLabel[lead.urgency])}
${row("When", when(page, policy.timeZone))}
${row("Where", lead.mode === "virtual" ? "Virtual consultation (video call)" : "In person")}
${row("Length", lead.estimatedMinutes === undefined ? undefined : `${lead.estimatedMinutes} minutes`)}
${row("Homeowner pays", lead.totalAmountMinor === undefined ? undefined : money(lead.totalAmountMinor, policy.currency))}
${row(page.offer.creditsCharged === undefined ? "Price" : "You paid", lead.priceCredits === undefined ? undefined : `${lead.priceCredits} credits`)}
${row("What the homeowner wrote", lead.description)}
${row("Photos", lead.photos === undefined ? undefined : lead.photos.length === 0 ? "none" : photos(options.action, lead.photos.length))}
${row("Homeowner", lead.customerName)}
${row("Phone", lead.customerPhone === undefined ? undefined : html`<a href="tel:${lead.customerPhone}">${lead.customerPhone}</a>`)}
${row("Address", lead.street === undefined ? (lead.stage === "assigned" ? lead.area : undefined) : `${lead.street}, ${lead.area}`)}
</dl>
${lead.stage === "preview" ? html`<p class="note">Name, phone, address and photos are shared after you unlock and the job is yours.</p>` : ""}
${lead.customerPhone === undefined ? "" : html`<a class="button" href="tel:${lead.customerPhone}">Call ${lead.customerName ?? "the homeowner"}</a>`}
</div>`
  return layout({
    title: `${policy.brand}: ${title}`,
    flash: options.flash === undefined ? undefined : leadFlash[options.flash],
    body: html`<h1>${title}</h1>${details}${actions(page, options.action, policy, options.now)}`,
  })
}
