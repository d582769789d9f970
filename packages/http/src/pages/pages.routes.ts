import {
  acceptLead,
  chooseProposedTime,
  declineLead,
  getOffer,
  InvalidInput,
  now,
  OfferNotFound,
  openHandoverLink,
  openLeadLink,
  openLeadPhoto,
  openLink,
  Policy,
  proposeTimes,
  rejectProposedTimes,
  unlockLead,
} from "@fundi/core"
import { Cause, Effect, Exit } from "effect"
import { type Context, Hono, type MiddlewareHandler } from "hono"
import { bodyLimit } from "hono/body-limit"
import { csrf } from "hono/csrf"
import { HTTPException } from "hono/http-exception"
import type { ApiServices, RouteDeps } from "../run-effect.ts"
import { type HandoverFlash, handoverFlash, handoverPage } from "./handover.page.ts"
import type { Html } from "./layout.ts"
import { styleSource } from "./layout.ts"
import { type LeadFlash, leadFlash, leadPage } from "./lead.page.ts"
import { parseLocalDateTime } from "./local-time.ts"
import {
  type ErrorView,
  errorPage,
  fieldOf,
  type PageError,
  pageErrors,
  pageFor,
} from "./page-errors.ts"

export interface PageRouteOptions {
  /**
   * The public origin links point at (FUNDI_PUBLIC_URL). Behind a proxy the request's own
   * origin may differ; a form posted from either is accepted.
   */
  readonly publicUrl?: string | undefined
}

/**
 * Pages opened from links carry a bearer token in their URL: no cache may keep them, no
 * Referer may leak the URL, no other site may frame them, and nothing but the one inline
 * stylesheet, same-origin images (a lead's photos) and same-origin forms may run.
 */
export const pageHeaders: MiddlewareHandler = async (c, next) => {
  await next()
  c.header("Cache-Control", "no-store")
  c.header("Referrer-Policy", "no-referrer")
  c.header("X-Content-Type-Options", "nosniff")
  c.header("X-Frame-Options", "DENY")
  c.header(
    "Content-Security-Policy",
    `default-src 'none'; style-src ${styleSource}; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  )
}

export const send = (c: Context, page: Html, status: ErrorView["status"] = 200) =>
  c.html(page, status)

const pageError = (c: Context, view: ErrorView) => send(c, errorPage(view), view.status)

const isPageError = (u: unknown): u is PageError =>
  typeof u === "object" && u !== null && "_tag" in u && (u as { _tag: string })._tag in pageErrors

/**
 * Runs one page's effect. A known error becomes its friendly page (with the form fields
 * at fault for bad input); anything else is logged with an id and answered 500 without
 * detail, as the JSON API does.
 */
export const runPage = async <A, E extends PageError>(
  c: Context,
  deps: RouteDeps,
  effect: Effect.Effect<A, E, ApiServices>,
  onSuccess: (value: A) => Response | Promise<Response>,
  back?: string,
): Promise<Response> => {
  const exit = await deps.runtime.runPromiseExit(effect)
  if (Exit.isSuccess(exit)) return onSuccess(exit.value)
  const failure = Cause.findErrorOption(exit.cause)
  if (failure._tag === "Some" && isPageError(failure.value) && !Cause.hasDies(exit.cause)) {
    const e = failure.value
    const page = pageFor(e)
    const field = fieldOf(e)
    const issues =
      e._tag === "InvalidInput"
        ? e.issues.map((i) => ({ field: i.path || "form", message: i.message }))
        : field === undefined
          ? undefined
          : [{ field, message: page.text }]
    // A dead link has nowhere to go back to.
    const deadLink = page.status === 404 || page.status === 410
    return pageError(c, {
      ...page,
      ...(issues === undefined ? {} : { issues }),
      back: deadLink ? undefined : back,
    })
  }
  const errorId = crypto.randomUUID()
  deps.logError({
    errorId,
    method: c.req.method,
    path: c.req.path,
    detail: Cause.pretty(exit.cause),
  })
  return pageError(c, {
    status: 500,
    title: "Something went wrong",
    text: "We could not show this page. Please try again; if it keeps happening, reply to your message with the reference below.",
    errorId,
  })
}

/** The text fields of a posted form (file parts are ignored: these forms have none). */
const formOf = async (c: Context): Promise<Record<string, string>> => {
  const type = c.req.header("content-type") ?? ""
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type)) return {}
  const body = await c.req.parseBody()
  return Object.fromEntries(
    Object.entries(body).flatMap(([k, v]) => (typeof v === "string" ? [[k, v]] : [])),
  )
}

const flashOf = <K extends string>(value: string | undefined, table: Record<K, string>) =>
  value !== undefined && Object.hasOwn(table, value) ? (value as K) : undefined

const leadPath = (token: string) => `/l/${encodeURIComponent(token)}`
const handoverPath = (token: string) => `/h/${encodeURIComponent(token)}`

/** The three proposed times from the form, read in the marketplace's time zone; no more. */
const slotsFromForm = (form: Record<string, string>) =>
  Effect.gen(function* () {
    const zone = (yield* Policy).timeZone
    const issues: Array<{ path: string; message: string }> = []
    const slots = [1, 2, 3].map((n) => {
      const read = (edge: "from" | "to") => {
        const name = `slot${n}_${edge}`
        const raw = form[name]
        if (raw === undefined || raw.trim() === "") {
          issues.push({ path: name, message: "is required" })
          return 0
        }
        const at = parseLocalDateTime(raw, zone)
        if (at === undefined) issues.push({ path: name, message: "must be a date and time" })
        return at ?? 0
      }
      return { start: read("from"), end: read("to") }
    })
    // Exactly three: a fourth (or later) time is refused by name, never silently dropped.
    for (const name of Object.keys(form)) {
      const extra = /^slot(\d+)_(from|to)$/u.exec(name)
      if (extra !== null && !["1", "2", "3"].includes(extra[1]!)) {
        issues.push({ path: name, message: "is one time too many: propose exactly three times" })
      }
    }
    if (issues.length > 0) return yield* new InvalidInput({ issues })
    return slots
  })

/** Whether `e` refuses `command` because the offer is already in one of `states`. */
const refusedFrom = (e: PageError, command: string, states: ReadonlyArray<string>): boolean =>
  e._tag === "OfferTransitionNotAllowed" && e.command === command && states.includes(e.from)

/**
 * The secure link pages: `/l/:token` (a provider's lead) and `/h/:token` (a homeowner's
 * request), server-rendered HTML with plain forms. Every action re-resolves the token and
 * acts only on the party and object the link names.
 */
export const pageRoutes = (deps: RouteDeps, options: PageRouteOptions = {}): Hono => {
  const app = new Hono()
  /** The forms' addresses, as `l/unlock`: opening one as a page gets a 405, not a 404. */
  const formPaths = new Set<string>()
  const publicOrigin =
    options.publicUrl === undefined ? undefined : new URL(options.publicUrl).origin
  const guard = csrf({
    origin: (origin, c) => origin === new URL(c.req.url).origin || origin === publicOrigin,
  })

  app.use("/l/*", pageHeaders)
  app.use("/h/*", pageHeaders)
  for (const path of ["/l/*", "/h/*"]) {
    app.use(path, async (c, next) => {
      // Only forms (POST) are checked for where they came from: a page asked with another
      // method gets its 405 and Allow, whatever its Origin, not "came from somewhere else".
      if (c.req.method !== "POST") return next()
      try {
        await guard(c, next)
      } catch (e) {
        if (!(e instanceof HTTPException) || e.status !== 403) throw e
        return pageError(c, {
          status: 403,
          title: "This form came from somewhere else",
          text: "For your safety we only accept this form from its own page. Open the link from your message and try again.",
        })
      }
    })
    app.use(
      path,
      bodyLimit({
        maxSize: 16 * 1024,
        onError: (c) =>
          pageError(c, {
            status: 413,
            title: "This form is too long",
            text: "What you sent is more than these forms take. Shorten it and try again.",
          }),
      }),
    )
  }

  app.get("/l/:token", (c) => {
    const token = c.req.param("token")
    return runPage(
      c,
      deps,
      Effect.gen(function* () {
        const page = yield* openLeadLink({ token })
        return { page, policy: yield* Policy, at: yield* now }
      }),
      ({ page, policy, at }) =>
        send(
          c,
          leadPage(page, {
            action: leadPath(token),
            policy,
            now: at,
            flash: flashOf<LeadFlash>(c.req.query("done"), leadFlash),
          }),
        ),
    )
  })

  // A photo of the lead, once the provider may see it (unlocked, then assigned): the bytes
  // as stored, under the page's headers (no cache, no referrer), never sniffed as another type.
  app.get("/l/:token/photos/:photo", (c) =>
    runPage(
      c,
      deps,
      openLeadPhoto({ token: c.req.param("token"), photo: c.req.param("photo") }),
      ({ contentType, bytes }) =>
        c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
          "Content-Type": contentType,
          "Content-Disposition": "inline",
        }),
    ),
  )

  const leadAction = (
    path: string,
    done: LeadFlash,
    act: (
      ref: { readonly offerId: string; readonly providerId: string },
      form: Record<string, string>,
      token: string,
    ) => Effect.Effect<unknown, PageError, ApiServices>,
    /** A refusal that only says this was done already (a double tap, a form sent again). */
    doneAlready: (e: PageError, providerId: string) => boolean = () => false,
  ) => {
    formPaths.add(`l/${path}`)
    app.post(`/l/:token/${path}`, async (c) => {
      const token = c.req.param("token")
      const form = await formOf(c)
      return runPage(
        c,
        deps,
        Effect.gen(function* () {
          const link = yield* openLink({ token, scope: "lead" })
          yield* act({ offerId: link.objectId, providerId: link.partyId }, form, token).pipe(
            // Then the page shows what was done, as it did the first time.
            Effect.catchIf(
              (e) => doneAlready(e, link.partyId),
              () => Effect.void,
            ),
          )
        }),
        () => c.redirect(`${leadPath(token)}?done=${done}`, 303),
        leadPath(token),
      )
    })
  }

  // Unlocking straight from a stale page (or a bookmarked form) first records the preview
  // the provider had seen: the offer must be previewed before it can be unlocked.
  leadAction(
    "unlock",
    "unlocked",
    (ref, _form, token) => Effect.andThen(openLeadLink({ token }), unlockLead(ref)),
    (e) => refusedFrom(e, "Unlock", ["unlocked", "times_proposed", "accepted"]),
  )
  leadAction(
    "accept",
    "accepted",
    (ref) => acceptLead(ref),
    (e, providerId) =>
      refusedFrom(e, "Accept", ["accepted"]) ||
      (e._tag === "LeadAlreadyAssigned" && e.assignedProviderId === providerId),
  )
  leadAction(
    "decline",
    "declined",
    (ref, form) => declineLead(form.reason?.trim() ? { ...ref, reason: form.reason.trim() } : ref),
    (e) => refusedFrom(e, "Decline", ["declined"]),
  )
  leadAction("propose-times", "proposed", (ref, form) =>
    Effect.flatMap(slotsFromForm(form), (slots) => proposeTimes({ ...ref, slots })),
  )

  app.get("/h/:token", (c) => {
    const token = c.req.param("token")
    return runPage(
      c,
      deps,
      Effect.gen(function* () {
        const page = yield* openHandoverLink({ token })
        return { page, policy: yield* Policy }
      }),
      ({ page, policy }) =>
        send(
          c,
          handoverPage(page, {
            action: handoverPath(token),
            policy,
            flash: flashOf<HandoverFlash>(c.req.query("done"), handoverFlash),
          }),
        ),
    )
  })

  const handoverAction = (
    path: string,
    done: HandoverFlash,
    act: (
      ref: { readonly offerId: string; readonly customerId: string },
      form: Record<string, string>,
    ) => Effect.Effect<unknown, PageError, ApiServices>,
    /** A refusal that only says this was done already (a form sent again). */
    doneAlready: (e: PageError, offer: { readonly providerId: string }) => boolean,
  ) => {
    formPaths.add(`h/${path}`)
    app.post(`/h/:token/${path}`, async (c) => {
      const token = c.req.param("token")
      const form = await formOf(c)
      return runPage(
        c,
        deps,
        Effect.gen(function* () {
          const link = yield* openLink({ token, scope: "handover" })
          const offerId = form.offerId ?? ""
          // The link opens one request: an offer on any other (even the same homeowner's),
          // or a field that is no offer id at all (the form's hidden field was changed), is
          // answered as unknown.
          const offer = yield* getOffer({ offerId }).pipe(
            Effect.catchTag("InvalidInput", () => Effect.fail(new OfferNotFound({ offerId }))),
          )
          if (offer.requestId !== link.objectId) return yield* new OfferNotFound({ offerId })
          yield* act({ offerId, customerId: link.partyId }, form).pipe(
            Effect.catchIf(
              (e) => doneAlready(e, offer),
              () => Effect.void,
            ),
          )
        }),
        () => c.redirect(`${handoverPath(token)}?done=${done}`, 303),
        handoverPath(token),
      )
    })
  }

  handoverAction(
    "choose-time",
    "chosen",
    (ref, form) =>
      /^[0-9]$/.test(form.slot ?? "")
        ? chooseProposedTime({ ...ref, slot: Number(form.slot) })
        : Effect.fail(
            new InvalidInput({
              issues: [{ path: "slot", message: "choose one of the times, then press the button" }],
            }),
          ),
    (e, offer) =>
      refusedFrom(e, "ChooseTime", ["accepted"]) ||
      (e._tag === "LeadAlreadyAssigned" && e.assignedProviderId === offer.providerId),
  )
  handoverAction(
    "reject-times",
    "rejected",
    (ref) => rejectProposedTimes(ref),
    (e) => refusedFrom(e, "RejectTimes", ["declined"]),
  )

  // Anything else under a link: a page by another method, or a form's address opened as a
  // page (a bookmark, a refresh after a failed post), is answered in HTML, token unechoed.
  for (const kind of ["l", "h"]) {
    app.all(`/${kind}/:token`, (c) =>
      notAllowed(c, "GET", `/${kind}/${encodeURIComponent(c.req.param("token"))}`),
    )
    app.all(`/${kind}/:token/:form`, (c) => {
      const page = `/${kind}/${encodeURIComponent(c.req.param("token"))}`
      return formPaths.has(`${kind}/${c.req.param("form")}`)
        ? notAllowed(c, "POST", page)
        : pageError(c, pageErrors.OfferNotFound)
    })
  }

  return app
}

/** 405 for a link page or form asked with a method it does not take, with the way back. */
const notAllowed = (c: Context, allow: "GET" | "POST", page: string) => {
  c.header("Allow", allow)
  return pageError(c, {
    status: 405,
    title: allow === "GET" ? "Open this link in your browser" : "Use the buttons on the page",
    text:
      allow === "GET"
        ? "This address is a page to open, nothing else."
        : "This address only takes the page's form. Go back to the page and press the button there.",
    back: page,
  })
}
