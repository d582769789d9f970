import type { HandoverPage, MarketplacePolicy, RequestState } from "@fundi/core"
import { html } from "hono/html"
import { type Html, layout } from "./layout.ts"
import { formatWindow } from "./local-time.ts"

export const handoverFlash = {
  chosen: "Thank you: the time is booked. Your provider's details are below.",
  rejected: "Thank you: we told the provider and are looking for someone else.",
} as const
export type HandoverFlash = keyof typeof handoverFlash

const stateText: { readonly [S in RequestState]: string } = {
  submitted: "We received your request and are checking it.",
  needs_clarification: "We need a little more information: please answer our message.",
  ready: "Your request is ready; we are about to look for a provider.",
  dispatching: "We are finding a provider for you.",
  assigned: "A provider has taken your job.",
  unfulfilled:
    "Sorry: no provider could take this request, so we have stopped looking. Our team has been told. To ask again, send us a new request on WhatsApp.",
  cancelled: "This request was cancelled.",
}

/**
 * The homeowner's page: their request's state; while a provider has proposed times, the
 * three as buttons plus "none of these" (not who proposed them: the provider's name and phone
 * come only after assignment).
 */
export const handoverPage = (
  page: HandoverPage,
  options: {
    readonly action: string
    readonly policy: MarketplacePolicy
    readonly flash?: HandoverFlash | undefined
  },
): Html => {
  const zone = options.policy.timeZone
  const { request } = page
  const title = `Your ${request.category} request`
  const proposals =
    request.state === "dispatching"
      ? page.proposals.map(
          (p) => html`<div class="card">
<h2>A provider can come at one of these times</h2>
<form method="post" action="${options.action}/choose-time">
<input type="hidden" name="offerId" value="${p.offerId}">
${p.slots.map(
  (slot, i) =>
    html`<button type="submit" name="slot" value="${i}">${formatWindow(slot, zone)}</button>`,
)}
</form>
<form method="post" action="${options.action}/reject-times">
<input type="hidden" name="offerId" value="${p.offerId}">
<button type="submit" class="secondary">None of these work for me</button>
</form>
</div>`,
        )
      : []
  const provider =
    page.provider === undefined
      ? ""
      : html`<div class="card">
<h2>Your provider</h2>
<dl>
<dt>Name</dt><dd>${page.provider.name}</dd>
<dt>Phone</dt><dd><a href="tel:${page.provider.phone}">${page.provider.phone}</a></dd>
${page.provider.chosenSlot === undefined ? "" : html`<dt>Time</dt><dd>${formatWindow(page.provider.chosenSlot, zone)}</dd>`}
</dl>
<a class="button" href="tel:${page.provider.phone}">Call ${page.provider.name}</a>
</div>`
  return layout({
    title: `${options.policy.brand}: ${title}`,
    flash: options.flash === undefined ? undefined : handoverFlash[options.flash],
    body: html`<h1>${title}</h1>
<div class="card"><p>${stateText[request.state]}</p>
<dl><dt>Area</dt><dd>${request.location.area}</dd><dt>What you wrote</dt><dd>${request.description}</dd></dl></div>
${proposals}
${provider}`,
  })
}
