import {
  cancelRequest,
  type ExpiryCause,
  getOffer,
  getRequest,
  getWallet,
  OfferRepository,
  revokeLink,
  SecureLinks,
} from "@fundi/core"
import { Effect } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { formatTime, toLocalDateTime } from "./local-time.ts"
import { get, linkPathIn, post, type Scene, scene, textOf } from "./pages.test-support.ts"

const HOUR = 3_600_000
const ZONE = "Africa/Johannesburg"
const HOMEOWNER_PHONE = "+27831110000"

let current: Scene | undefined
const open = async (options: Parameters<typeof scene>[0] = {}) => {
  current = await scene(options)
  return current
}
afterEach(async () => {
  await current?.api.dispose()
  current = undefined
})

const offerOf = (s: Scene, i = 0) =>
  s.api.runtime.runPromise(
    Effect.gen(function* () {
      const link = yield* (yield* SecureLinks).resolve(s.leadPaths[i]!.slice(3), { scope: "lead" })
      return yield* getOffer({ offerId: link.objectId })
    }),
  )

/** Three future slots as the propose form sends them (local time). */
const slotFields = (hoursAhead = 24) => {
  const fields: Record<string, string> = {}
  for (const i of [0, 1, 2]) {
    const start = Date.now() + (hoursAhead + i * 2) * HOUR
    fields[`slot${i + 1}_from`] = toLocalDateTime(start, ZONE)
    fields[`slot${i + 1}_to`] = toLocalDateTime(start + HOUR, ZONE)
  }
  return fields
}

const walletOf = (s: Scene, i: number) =>
  s.api.runtime.runPromise(getWallet({ partyId: s.providerIds[i]! }))

const expectPage = async (res: Response, status: number) => {
  expect(res.status).toBe(status)
  expect(res.headers.get("Content-Type")).toMatch(/^text\/html/)
  const text = await textOf(res.clone())
  expect(text).not.toMatch(/at .*\.ts:\d+|Error:|stack/i)
  return text
}

describe("GET /l/:token: the provider's lead", () => {
  it("shows the preview only (no name, phone, street, description), marks it previewed, and is safe to cache nowhere", async () => {
    const s = await open()
    const res = await get(s.api, s.leadPaths[0]!)
    const text = await expectPage(res, 200)
    const raw = await (await get(s.api, s.leadPaths[0]!)).text()
    expect(raw).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">')
    expect(text).toContain("plumbing lead in soweto")
    expect(text).toContain("Urgency Today")
    expect(text).toContain("Unlock for 10 credits")
    for (const secret of [HOMEOWNER_PHONE, "Lerato", "Vilakazi", "geyser leaks"]) {
      expect(text).not.toContain(secret)
    }
    expect(res.headers.get("Cache-Control")).toBe("no-store")
    expect(res.headers.get("Referrer-Policy")).toBe("no-referrer")
    expect(res.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'")
    expect((await offerOf(s)).state).toBe("previewed")
  })

  it("a paid lead whose request ops cancelled says so, with the credits and how to get them back", async () => {
    const s = await open()
    await post(s.api, `${s.leadPaths[0]}/unlock`)
    await s.api.runtime.runPromise(
      cancelRequest({ requestId: s.request.id, operator: "sipho", reason: "homeowner phoned" }),
    )
    const text = await expectPage(await get(s.api, s.leadPaths[0]!), 200)
    expect(text).toContain("The homeowner's request was cancelled.")
    expect(text).toContain("You paid 10 credits for it: ask our team to refund them")
    expect(text).not.toContain("Its time ran out")
  })

  it("unlock -> 303 back with a flash; the details show, the homeowner's number still hidden", async () => {
    const s = await open()
    const res = await post(s.api, `${s.leadPaths[0]}/unlock`)
    expect(res.status).toBe(303)
    expect(res.headers.get("Location")).toBe(`${s.leadPaths[0]}?done=unlocked`)
    const text = await expectPage(await get(s.api, res.headers.get("Location")!), 200)
    expect(text).toContain("Unlocked. The full job details are below.")
    expect(text).toContain("The geyser leaks through the ceiling")
    expect(text).toContain("[number shared on assignment]")
    expect(text).not.toContain(HOMEOWNER_PHONE)
    expect(text).toContain("Accept the job")
    expect(text).toContain("Propose three other times")
    // Until when the lead is theirs, on the marketplace clock.
    const held = (await offerOf(s)).holdExpiresAt!
    expect(text).toContain(`Held for you until ${formatTime(held, ZONE)}: accept, propose times`)
    expect(
      Number((await s.api.runtime.runPromise(getWallet({ partyId: s.providerIds[0]! }))).credits),
    ).toBe(40)
  })

  it("accept -> the job is theirs: the homeowner's name, phone and street", async () => {
    const s = await open()
    await post(s.api, `${s.leadPaths[0]}/unlock`)
    const res = await post(s.api, `${s.leadPaths[0]}/accept`)
    expect(res.headers.get("Location")).toBe(`${s.leadPaths[0]}?done=accepted`)
    const text = await expectPage(await get(s.api, res.headers.get("Location")!), 200)
    expect(text).toContain("The job is yours")
    for (const shown of [HOMEOWNER_PHONE, "Lerato", "12 Vilakazi St"]) expect(text).toContain(shown)
    // A full-width button to call, not only a small inline link.
    const page = await (await get(s.api, s.leadPaths[0]!)).text()
    expect(page).toMatch(
      new RegExp(`<a class="button" href="tel:\\${HOMEOWNER_PHONE}">Call Lerato`),
    )
    const request = await s.api.runtime.runPromise(getRequest({ requestId: s.request.id }))
    expect(request.state).toBe("assigned")
  })

  it("decline (with a reason) -> closed for them, with a flash", async () => {
    const s = await open()
    const res = await post(s.api, `${s.leadPaths[0]}/decline`, { reason: "too far" })
    const text = await expectPage(await get(s.api, res.headers.get("Location")!), 200)
    expect(text).toContain("Declined. We will offer the lead to someone else.")
    expect(text).toContain("This lead is closed.")
    expect(text).not.toContain("Unlock for")
    expect(await offerOf(s)).toMatchObject({ state: "declined", declineReason: "too far" })
  })

  it("a lead that went to someone else shows nothing of it any more", async () => {
    const s = await open({ providers: 2 })
    await post(s.api, `${s.leadPaths[0]}/unlock`)
    await post(s.api, `${s.leadPaths[0]}/accept`)
    const text = await expectPage(await get(s.api, s.leadPaths[1]!), 200)
    expect(text).toContain("It went to another provider.")
    expect(text).not.toContain("soweto")
  })
})

describe("proposed times: the provider proposes, the homeowner picks on /h/:token", () => {
  it("three times sent; the homeowner sees them as buttons, picks one, and both see the handover", async () => {
    const s = await open()
    await post(s.api, `${s.leadPaths[0]}/unlock`)
    const fields = slotFields()
    const proposed = await post(s.api, `${s.leadPaths[0]}/propose-times`, fields)
    expect(proposed.headers.get("Location")).toBe(`${s.leadPaths[0]}?done=proposed`)
    const lead = await expectPage(await get(s.api, proposed.headers.get("Location")!), 200)
    expect(lead).toContain("Waiting for the homeowner to pick one")

    const handover = await linkPathIn(s.api, s.customerId, "lead.times_proposed")
    expect(handover).toMatch(/^\/h\//)
    const page = await (await get(s.api, handover)).text()
    expect(page.match(/<button type="submit" name="slot" value="\d">/g)).toHaveLength(3)
    expect(await textOf(new Response(page))).toContain("A provider can come at one of these times")
    expect(page).not.toContain("Provider 1")
    const offerId = (await offerOf(s)).id
    const chosen = await post(s.api, `${handover}/choose-time`, { offerId, slot: "1" })
    expect(chosen.status).toBe(303)
    expect(chosen.headers.get("Location")).toBe(`${handover}?done=chosen`)
    const after = await expectPage(await get(s.api, chosen.headers.get("Location")!), 200)
    expect(after).toContain("Thank you: the time is booked.")
    expect(after).toContain("Provider 1")
    expect(after).toContain("+27821000001")
    expect(after).not.toContain("None of these work")
    const providerView = await expectPage(await get(s.api, s.leadPaths[0]!), 200)
    expect(providerView).toContain("The job is yours")
    expect(providerView).toContain(HOMEOWNER_PHONE)
    expect((await offerOf(s)).chosenSlot?.start).toBeGreaterThan(Date.now())
  })

  it("none of these -> the offer is declined and the homeowner is told we look further", async () => {
    const s = await open()
    await post(s.api, `${s.leadPaths[0]}/unlock`)
    await post(s.api, `${s.leadPaths[0]}/propose-times`, slotFields())
    const handover = await linkPathIn(s.api, s.customerId, "lead.times_proposed")
    const offerId = (await offerOf(s)).id
    const res = await post(s.api, `${handover}/reject-times`, { offerId })
    const text = await expectPage(await get(s.api, res.headers.get("Location")!), 200)
    expect(text).toContain("we told the provider and are looking for someone else")
    expect((await offerOf(s)).state).toBe("declined")
  })

  it("after assignment the homeowner's assignment message links to the same page with the provider", async () => {
    const s = await open()
    await post(s.api, `${s.leadPaths[0]}/unlock`)
    await post(s.api, `${s.leadPaths[0]}/accept`)
    const handover = await linkPathIn(s.api, s.customerId, "lead.provider_assigned")
    const text = await expectPage(await get(s.api, handover), 200)
    expect(text).toContain("A provider has taken your job.")
    expect(text).toContain("Call Provider 1")
  })
})

describe("link page errors are friendly HTML with the right status", () => {
  it("404 for a tampered or unknown token, and for a lead link used as a handover link", async () => {
    const s = await open()
    const path = s.leadPaths[0]!
    const tampered = `${path.slice(0, -2)}${path.endsWith("aa") ? "bb" : "aa"}`
    for (const bad of [tampered, "/l/nonsense", `/h/${path.slice(3)}`, "/h/x"]) {
      const text = await expectPage(await get(s.api, bad), 404)
      expect(text).toContain("This link does not work")
    }
    expect(await expectPage(await post(s.api, `${tampered}/unlock`), 404)).toContain(
      "This link does not work",
    )
    expect((await offerOf(s)).state).toBe("offered")
  })

  it("410 for a revoked link and for an expired one", async () => {
    const s = await open()
    const linkId = await s.api.runtime.runPromise(
      Effect.gen(function* () {
        return (yield* (yield* SecureLinks).resolve(s.leadPaths[0]!.slice(3), { scope: "lead" })).id
      }),
    )
    await s.api.runtime.runPromise(revokeLink({ linkId, operator: "thandi", reason: "phone lost" }))
    expect(await expectPage(await get(s.api, s.leadPaths[0]!), 410)).toContain("switched off")
    expect(await expectPage(await post(s.api, `${s.leadPaths[0]}/unlock`), 410)).not.toContain(
      "Back",
    )

    const expired = await s.api.runtime.runPromise(
      Effect.gen(function* () {
        return yield* (yield* SecureLinks).issue({
          partyId: s.customerId,
          scope: "handover",
          objectId: s.request.id,
          expiresAt: (Date.now() - 1) as never,
        })
      }),
    )
    expect(await expectPage(await get(s.api, `/h/${expired.token}`), 410)).toContain(
      "Links last a limited time",
    )
  })

  it("409 when the state moved on or is not there yet: a lead someone else took, accepting before unlocking, too few credits", async () => {
    const s = await open({ providers: 2 })
    const early = await expectPage(await post(s.api, `${s.leadPaths[0]}/accept`), 409)
    expect(early).toContain("Unlock this lead first")
    expect(early).toContain("Back")
    await post(s.api, `${s.leadPaths[0]}/unlock`)
    await post(s.api, `${s.leadPaths[1]}/unlock`)
    await post(s.api, `${s.leadPaths[0]}/accept`)
    expect(await expectPage(await post(s.api, `${s.leadPaths[1]}/accept`), 409)).toContain(
      "Already taken",
    )

    const poor = await scene({ credits: 3 })
    try {
      const text = await expectPage(await post(poor.api, `${poor.leadPaths[0]}/unlock`), 409)
      expect(text).toContain("Not enough credits")
    } finally {
      await poor.api.dispose()
    }
  })

  it("409 says which: a lead whose time or hold ran out expired; a withdrawn one is no longer available", async () => {
    const s = await open({ providers: 4 })
    /** Closes the offer as the scheduler (ttl, hold) or dispatch (withdrawn) would. */
    const expire = (i: number, expiryCause: ExpiryCause) =>
      s.api.runtime.runPromise(
        Effect.gen(function* () {
          const offer = yield* getOffer({
            offerId: (yield* Effect.promise(() => offerOf(s, i))).id,
          })
          yield* (yield* OfferRepository).update({
            ...offer,
            state: "expired",
            expiryCause,
            decidedAt: offer.updatedAt,
          })
        }),
      )
    await post(s.api, `${s.leadPaths[1]}/unlock`)
    await expire(0, "ttl")
    await expire(1, "hold")
    await expire(2, "withdrawn")
    const ttl = await expectPage(await post(s.api, `${s.leadPaths[0]}/accept`), 409)
    expect(ttl).toContain("This lead has expired")
    expect(ttl).toContain("Its time to answer ran out")
    const hold = await expectPage(await post(s.api, `${s.leadPaths[1]}/accept`), 409)
    expect(hold).toContain("Your hold on it ran out")
    const gone = await expectPage(await post(s.api, `${s.leadPaths[2]}/accept`), 409)
    expect(gone).toContain("no longer available")
    for (const text of [ttl, hold, gone]) expect(text).not.toContain("moved on")
  })

  it("a form sent again (a double tap, a refresh) shows what the first one did: once, paid once", async () => {
    const s = await open({ credits: 50 })
    const price = 50 - Number((await walletOf(s, 0)).credits)
    expect(price).toBe(0)
    for (const action of ["unlock", "unlock", "accept", "accept"] as const) {
      const res = await post(s.api, `${s.leadPaths[0]}/${action}`)
      expect(res.status).toBe(303)
      expect(res.headers.get("Location")).toBe(`${s.leadPaths[0]}?done=${action}ed`)
    }
    expect((await offerOf(s)).state).toBe("accepted")
    const debited = 50 - Number((await walletOf(s, 0)).credits)
    expect(debited).toBe((await offerOf(s)).creditsCharged)

    const other = await scene({ providers: 1 })
    try {
      await post(other.api, `${other.leadPaths[0]}/decline`)
      const again = await post(other.api, `${other.leadPaths[0]}/decline`)
      expect(again.headers.get("Location")).toBe(`${other.leadPaths[0]}?done=declined`)
    } finally {
      await other.api.dispose()
    }
  })

  it("a homeowner choosing again sees the booking; a choice that is no time is asked for plainly", async () => {
    const s = await open()
    await post(s.api, `${s.leadPaths[0]}/unlock`)
    await post(s.api, `${s.leadPaths[0]}/propose-times`, slotFields())
    const handover = await linkPathIn(s.api, s.customerId, "lead.times_proposed")
    const offerId = (await offerOf(s)).id
    const none = await expectPage(await post(s.api, `${handover}/choose-time`, { offerId }), 400)
    expect(none).toContain("slot: choose one of the times")
    const garbled = await expectPage(
      await post(s.api, `${handover}/choose-time`, { offerId: "12", slot: "0" }),
      404,
    )
    expect(garbled).toContain("This link does not work")
    for (const slot of ["0", "2"]) {
      const res = await post(s.api, `${handover}/choose-time`, { offerId, slot })
      expect(res.status).toBe(303)
      expect(res.headers.get("Location")).toBe(`${handover}?done=chosen`)
    }
    // The first choice stands.
    const booked = await offerOf(s)
    expect(booked.chosenSlot).toEqual(booked.proposedTimes?.[0])
  })

  it("413 as a page for a form too long to read; nothing changes", async () => {
    const s = await open()
    await post(s.api, `${s.leadPaths[0]}/unlock`)
    const res = await post(s.api, `${s.leadPaths[0]}/decline`, { reason: "x".repeat(17_000) })
    expect(await expectPage(res, 413)).toContain("This form is too long")
    expect((await offerOf(s)).state).toBe("unlocked")
  })

  it("a form's address opened as a page, or a page asked with another method, is a page too (405, 404)", async () => {
    const s = await open()
    const path = s.leadPaths[0]!
    const asPage = await get(s.api, `${path}/unlock`)
    expect(await expectPage(asPage, 405)).toContain("Use the buttons on the page")
    expect(asPage.headers.get("Allow")).toBe("POST")
    const put = await s.api.app.request(path, {
      method: "PUT",
      headers: { Origin: "http://localhost" },
    })
    expect(await expectPage(put, 405)).toContain("Open this link in your browser")
    expect(put.headers.get("Allow")).toBe("GET")
    // The method is checked first: no Origin header still gets the 405, on both kinds.
    for (const [target, method, allow] of [
      [path, "PUT", "GET"],
      [path, "DELETE", "GET"],
      [`${path}/unlock`, "PUT", "POST"],
      ["/h/any-token", "DELETE", "GET"],
    ] as const) {
      const bare = await s.api.app.request(target, { method })
      expect(bare.status).toBe(405)
      expect(bare.headers.get("Allow")).toBe(allow)
    }
    // A form from elsewhere is still refused.
    const foreign = await post(s.api, `${path}/unlock`, {}, { Origin: "https://evil.example" })
    expect(foreign.status).toBe(403)
    const unknown = await get(s.api, `${path}/nothing-here`)
    const text = await expectPage(unknown, 404)
    expect(text).toContain("This link does not work")
    expect(text).not.toContain(path.slice(3))
    expect((await offerOf(s)).state).toBe("offered")
  })

  it("400 naming the bad form field: a missing or unreadable time, a past time, a slot out of range", async () => {
    const s = await open()
    await post(s.api, `${s.leadPaths[0]}/unlock`)
    const { slot2_to: _dropped, ...missing } = slotFields()
    const res = await post(s.api, `${s.leadPaths[0]}/propose-times`, {
      ...missing,
      slot3_from: "next tuesday",
    })
    const text = await expectPage(res, 400)
    expect(text).toContain("slot2_to: is required")
    expect(text).toContain("slot3_from: must be a date and time")
    const past = await expectPage(
      await post(s.api, `${s.leadPaths[0]}/propose-times`, slotFields(-30)),
      400,
    )
    expect(past).toContain("slot1")
    expect(past).toContain("Each time must be in the future.")
    const far = await expectPage(
      await post(s.api, `${s.leadPaths[0]}/propose-times`, slotFields(24 * 100)),
      400,
    )
    expect(far).toContain("slot1")
    expect(far).toContain("Each time must end within the next 90 days.")
    // A fourth time is refused by name, not dropped; nothing is proposed.
    const four = await expectPage(
      await post(s.api, `${s.leadPaths[0]}/propose-times`, {
        ...slotFields(),
        slot4_from: toLocalDateTime(Date.now() + 40 * HOUR, ZONE),
        slot4_to: toLocalDateTime(Date.now() + 41 * HOUR, ZONE),
      }),
      400,
    )
    expect(four).toContain("slot4_from: is one time too many: propose exactly three times")
    expect(four).toContain("slot4_to: is one time too many")
    expect((await offerOf(s)).state).toBe("unlocked")
    // The QA case: a three-day "time", and a one-minute one.
    const start = toLocalDateTime(Date.now() + 48 * HOUR, ZONE)
    for (const [to, field] of [
      [toLocalDateTime(Date.now() + 48 * HOUR + 3 * 24 * HOUR, ZONE), "slot2"],
      [toLocalDateTime(Date.now() + 48 * HOUR + 60_000, ZONE), "slot2"],
    ] as const) {
      const odd = await expectPage(
        await post(s.api, `${s.leadPaths[0]}/propose-times`, {
          ...slotFields(),
          slot2_from: start,
          slot2_to: to,
        }),
        400,
      )
      expect(odd).toContain(field)
      expect(odd).toContain("Each time must last at least 30 minutes and at most 12 hours.")
    }

    await post(s.api, `${s.leadPaths[0]}/propose-times`, slotFields())
    const handover = await linkPathIn(s.api, s.customerId, "lead.times_proposed")
    const offerId = (await offerOf(s)).id
    const bad = await expectPage(
      await post(s.api, `${handover}/choose-time`, { offerId, slot: "7" }),
      400,
    )
    expect(bad).toContain("slot")
  })

  it("a handover link cannot act on an offer of another request: 404", async () => {
    const s = await open()
    const handover = await linkPathIn(s.api, s.customerId, "lead.offered").catch(() => undefined)
    expect(handover).toBeUndefined()
    await post(s.api, `${s.leadPaths[0]}/unlock`)
    await post(s.api, `${s.leadPaths[0]}/propose-times`, slotFields())
    const path = await linkPathIn(s.api, s.customerId, "lead.times_proposed")
    const text = await expectPage(
      await post(s.api, `${path}/choose-time`, { offerId: "ofr_00000000000000000000", slot: "0" }),
      404,
    )
    expect(text).toContain("This link does not work")
  })

  it("403 for a form posted from another site (or with no origin at all); nothing changes", async () => {
    const s = await open()
    for (const headers of [
      { Origin: "https://evil.example" },
      {},
      { "Sec-Fetch-Site": "cross-site" },
    ]) {
      const text = await expectPage(await post(s.api, `${s.leadPaths[0]}/unlock`, {}, headers), 403)
      expect(text).toContain("This form came from somewhere else")
    }
    expect((await offerOf(s)).state).toBe("offered")
    const sameOrigin = await post(
      s.api,
      `${s.leadPaths[0]}/unlock`,
      {},
      { "Sec-Fetch-Site": "same-origin" },
    )
    expect(sameOrigin.status).toBe(303)
  })
})

describe("GET /l/:token/photos/:n: the lead's photos", () => {
  const png = (n: number) =>
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, n])
  const photo = (path: string, n: number | string) => get(current!.api, `${path}/photos/${n}`)

  it("shows none in the preview; once unlocked, each photo as stored under the page's headers; none to another provider or once closed", async () => {
    const s = await open({ providers: 2, photos: [png(1), png(2)] })
    const [mine, theirs] = s.leadPaths as [string, string]
    // The preview: no thumbnails, and the address gives nothing.
    const preview = await (await get(s.api, mine)).text()
    expect(preview).not.toContain("/photos/")
    const early = await photo(mine, 1)
    expect(await expectPage(early, 404)).toContain("Photos are shared once you unlock the lead")

    await post(s.api, `${mine}/unlock`)
    const unlocked = await (await get(s.api, mine)).text()
    for (const n of [1, 2]) {
      expect(unlocked).toContain(
        `<a href="${mine}/photos/${n}"><img src="${mine}/photos/${n}" alt="Photo ${n} of 2"`,
      )
      const res = await photo(mine, n)
      expect(res.status).toBe(200)
      expect(res.headers.get("Content-Type")).toBe("image/png")
      expect(res.headers.get("Cache-Control")).toBe("no-store")
      expect(res.headers.get("Referrer-Policy")).toBe("no-referrer")
      expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff")
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(png(n))
    }
    // The page's policy lets its own images load, nothing else.
    expect((await get(s.api, mine)).headers.get("Content-Security-Policy")).toContain(
      "img-src 'self'",
    )
    for (const n of [0, 3, -1, "x", "1.5"])
      await expectPage(await photo(mine, n), n === 3 ? 404 : 400)
    // The other provider has not unlocked: nothing for them.
    await expectPage(await photo(theirs, 1), 404)

    // Declined: the lead is closed to this provider, and so are its photos.
    await post(s.api, `${mine}/decline`, { reason: "too far" })
    await expectPage(await photo(mine, 1), 404)
  })
})
