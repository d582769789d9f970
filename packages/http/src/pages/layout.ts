import { createHash } from "node:crypto"
import { html, raw } from "hono/html"

/** A rendered fragment: `html` escapes every interpolated string, so text from people is safe. */
export type Html = ReturnType<typeof html>

// One small stylesheet, inline (no other request, no JavaScript): a single column for a
// phone, text at 17px, buttons a full thumb wide and at least 48px tall.
const style = `
*{box-sizing:border-box}
body{margin:0;font:17px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f23;background:#f4f5f7}
main{max-width:34rem;margin:0 auto;padding:1rem}
h1{font-size:1.35rem;margin:.25rem 0 1rem}
h2{font-size:1.1rem;margin:1.25rem 0 .5rem}
.card{background:#fff;border-radius:12px;padding:1rem;margin:0 0 1rem;box-shadow:0 1px 2px rgba(0,0,0,.08)}
dl{margin:0}dt{font-size:.85rem;color:#57606a;margin-top:.6rem}dd{margin:0;font-weight:500;overflow-wrap:anywhere}
.flash{background:#dafbe1;border-left:4px solid #1a7f37;padding:.75rem 1rem;border-radius:8px;margin:0 0 1rem}
.note{color:#57606a}
.state{display:inline-block;font-size:.8rem;padding:.1rem .55rem;border-radius:99px;background:#ddf4ff;color:#0a3069}
form{margin:0 0 .75rem}
button,.button{display:block;width:100%;min-height:48px;padding:.75rem 1rem;margin:.5rem 0;border:0;border-radius:10px;font:inherit;font-weight:600;text-align:center;text-decoration:none;background:#1a7f37;color:#fff;cursor:pointer}
button.secondary,.button.secondary{background:#eaeef2;color:#1b1f23}
label{display:block;font-size:.9rem;margin:.6rem 0 .2rem}
input,textarea{display:block;width:100%;min-height:44px;padding:.5rem;font:inherit;border:1px solid #d0d7de;border-radius:8px;background:#fff}
fieldset{border:1px solid #d0d7de;border-radius:10px;margin:0 0 .75rem;padding:.25rem .75rem .75rem}
legend{font-weight:600;padding:0 .25rem}
a{color:#0969da}
.photos{display:flex;flex-wrap:wrap;gap:.5rem}.photos img{display:block;width:6.5rem;height:6.5rem;object-fit:cover;border-radius:8px;background:#eaeef2}
`

/** The Content-Security-Policy source of the one inline stylesheet (no 'unsafe-inline'). */
export const styleSource = `'sha256-${createHash("sha256").update(style).digest("base64")}'`

/** A whole page: mobile viewport, the stylesheet, an optional flash message, then the body. */
export const layout = (page: {
  readonly title: string
  readonly flash?: string | undefined
  readonly body: Html
}): Html => html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${page.title}</title>
<style>${raw(style)}</style>
</head>
<body>
<main>
${page.flash === undefined ? "" : html`<p class="flash" role="status">${page.flash}</p>`}
${page.body}
</main>
</body>
</html>`
