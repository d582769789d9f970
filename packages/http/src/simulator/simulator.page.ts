import { createHash } from "node:crypto"
import { html, raw } from "hono/html"
import type { Html } from "../pages/layout.ts"
import { simulatorScript } from "./simulator.client.ts"

/** Someone the simulator can chat as: a party already in the database. */
export interface QuickPick {
  readonly phone: string
  readonly kind: "customer" | "provider"
  readonly name: string | undefined
}

export interface SimulatorPageOptions {
  /** The development app secret the page signs its webhook deliveries with. */
  readonly appSecret: string
  readonly phoneNumberId: string
  readonly displayPhoneNumber: string
  readonly webhookPath: string
  readonly messagesPath: string
  readonly mediaPath: string
  readonly quickPicks: ReadonlyArray<QuickPick>
}

// Phone first: the chat fills the screen like the app; every tap target is 44px or more.
const style = `
*{box-sizing:border-box}
html,body{height:100%}
body{margin:0;font:16px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111b21;background:#d1d7db}
#sim{display:flex;flex-direction:column;max-width:34rem;height:100%;margin:0 auto;background:#efeae2}
.bar{display:flex;align-items:center;gap:.5rem;min-height:56px;padding:.5rem .75rem;background:#008069;color:#fff}
.bar strong{flex:1;font-size:1.05rem;overflow-wrap:anywhere}
.bar button{width:auto;min-height:44px;margin:0;background:rgba(255,255,255,.18);color:#fff}
#who,#flow{display:block;font-size:.8rem;font-weight:400;opacity:.9}
.picker{padding:1rem;overflow-y:auto}
.picker h2{font-size:1rem;margin:1.25rem 0 .5rem}
.picker ul{list-style:none;margin:0;padding:0}
label{display:block;font-size:.9rem;margin:.6rem 0 .2rem}
input{display:block;width:100%;min-height:44px;padding:.5rem .75rem;font:inherit;border:1px solid #c8ced3;border-radius:22px;background:#fff}
button{display:block;width:100%;min-height:44px;padding:.6rem 1rem;margin:.5rem 0;border:0;border-radius:22px;font:inherit;font-weight:600;background:#008069;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#008069;border:1px solid #c8ced3}
.chat{display:flex;flex-direction:column;flex:1;min-height:0}
[hidden]{display:none!important}
.log{flex:1;overflow-y:auto;padding:.75rem;display:flex;flex-direction:column;gap:.4rem}
.bubble{max-width:85%;padding:.4rem .6rem .3rem;border-radius:10px;background:#fff;box-shadow:0 1px .5px rgba(11,20,26,.13);overflow-wrap:anywhere;display:flex;flex-direction:column;gap:.2rem}
.bubble.out{align-self:flex-start;border-top-left-radius:0}
.bubble.in{align-self:flex-end;background:#d9fdd3;border-top-right-radius:0}
.text{white-space:pre-wrap}
.header{font-weight:700}
.footer,.error{font-size:.8rem;color:#667781}
.error{color:#b3261e}
.meta{align-self:flex-end;font-size:.72rem;color:#667781;display:flex;gap:.3rem}
.tick-read{color:#53bdeb}.tick-failed{color:#b3261e}
.actions{display:flex;flex-direction:column;margin:.2rem -.6rem 0;border-top:1px solid #e9edef}
.actions button.reply{margin:0;border-radius:0;background:transparent;color:#027eb5;border-bottom:1px solid #e9edef}
.template-name{font-size:.8rem;font-weight:600;color:#667781}
.parameters{margin:0;padding-left:1.4rem}
.media{font-weight:600}
a{color:#027eb5}
.problem{margin:0;padding:.5rem .75rem;background:#fdecea;color:#b3261e;font-size:.9rem}
.compose{display:flex;gap:.5rem;padding:.5rem;background:#f0f2f5}
.compose #text{flex:1}
.attach{display:flex;align-items:center;justify-content:center;min-width:44px;min-height:44px;margin:0;border-radius:22px;background:#fff;border:1px solid #c8ced3;color:#008069;font-size:1.5rem;font-weight:600;cursor:pointer}
.hidden-text{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
.compose button{width:auto;margin:0;min-width:64px}
.sheet{position:fixed;inset:0;background:rgba(11,20,26,.4);display:flex;align-items:flex-end;justify-content:center}
.sheet-body{width:100%;max-width:34rem;max-height:80%;overflow-y:auto;background:#fff;border-radius:16px 16px 0 0;padding:1rem}
.sheet h2{font-size:1.05rem;margin:0 0 .5rem;text-align:center}
.sheet h3{font-size:.85rem;color:#008069;margin:.75rem 0 .25rem}
button.row{display:flex;flex-direction:column;align-items:flex-start;text-align:left;margin:0;border-radius:0;background:#fff;color:#111b21;border-bottom:1px solid #e9edef;font-weight:400}
.row-description{font-size:.85rem;color:#667781}
`

const hashOf = (source: string) =>
  `'sha256-${createHash("sha256").update(source).digest("base64")}'`

/**
 * Only the page's own inline style and script run; it talks to its own origin only.
 * Media links open in a new tab rather than load here, so no image source is needed.
 */
export const simulatorCsp = [
  "default-src 'none'",
  `style-src ${hashOf(style)}`,
  `script-src ${hashOf(simulatorScript)}`,
  "connect-src 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ")

const pickLabel = (pick: QuickPick) =>
  `${pick.name ?? (pick.kind === "provider" ? "A provider" : "A homeowner")} · ${
    pick.kind === "provider" ? "provider" : "homeowner"
  } · ${pick.phone}`

/** `/dev/whatsapp`: a phone that chats with the bot through the real webhook and outbox. */
export const simulatorPage = (options: SimulatorPageOptions): Html => html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>WhatsApp simulator</title>
<style>${raw(style)}</style>
</head>
<body>
<div id="sim"
  data-secret="${options.appSecret}"
  data-phone-number-id="${options.phoneNumberId}"
  data-display-phone="${options.displayPhoneNumber}"
  data-account-id="SIMULATOR"
  data-webhook="${options.webhookPath}"
  data-messages="${options.messagesPath}"
  data-media="${options.mediaPath}">
<header class="bar">
<strong>WhatsApp simulator <span id="who"></span> <small id="flow"></small></strong>
<button type="button" id="switch" hidden>Switch phone</button>
</header>
<p id="problem" class="problem" role="alert" hidden></p>
<section id="picker" class="picker">
<form id="pick">
<label for="phone">Phone number</label>
<input id="phone" name="phone" type="tel" inputmode="tel" autocomplete="off" placeholder="+27821234567">
<label for="name">Profile name</label>
<input id="name" name="name" autocomplete="off" value="Simulator">
<button type="submit">Open chat</button>
</form>
<button type="button" id="new-number" class="secondary">New number</button>
${
  options.quickPicks.length === 0
    ? ""
    : html`<h2>People already here</h2>
<ul>
${options.quickPicks.map(
  (pick) =>
    html`<li><button type="button" class="secondary" data-phone="${pick.phone}" data-name="${pick.name ?? ""}">${pickLabel(pick)}</button></li>`,
)}
</ul>`
}
<noscript><p>The simulator needs JavaScript.</p></noscript>
</section>
<section id="chat" class="chat" hidden>
<div id="log" class="log" role="log" aria-live="polite"></div>
<form id="compose" class="compose">
<label class="attach" for="file" title="Send a photo or a PDF">+<span class="hidden-text">Attach a photo or PDF</span></label>
<input id="file" name="file" type="file" accept="image/jpeg,image/png,application/pdf" hidden>
<input id="text" name="text" autocomplete="off" placeholder="Message" aria-label="Message">
<button type="submit">Send</button>
</form>
</section>
<div id="sheet" class="sheet" role="dialog" aria-modal="true" aria-labelledby="sheet-title" hidden>
<div class="sheet-body">
<h2 id="sheet-title"></h2>
<div id="sheet-rows"></div>
<button type="button" id="sheet-close" class="secondary">Cancel</button>
</div>
</div>
</div>
<script>${raw(simulatorScript)}</script>
</body>
</html>`
