import { createHash } from "node:crypto"
import { sampleJpeg, samplePdf, samplePng, sampleText } from "@fundi/adapters/testing"
import { approveTopUp, creditsPreset, grantCredits, signUp } from "@fundi/core"
import { Schema } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { StatementResource, TopUpResource, WalletResource } from "../representations.ts"
import { approvedProvider, bodyOf, makeTestApi, type TestApi } from "../test-support.ts"

let api: TestApi
afterEach(() => api.dispose())

/** The response must be exactly the documented representation. */
const expectShape = <S extends Schema.Top>(schema: S, body: unknown) =>
  expect(() =>
    Schema.decodeUnknownSync(schema as never, { onExcessProperty: "error" })(body),
  ).not.toThrow()

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex")

const createTopUp = async (partyId: string, credits = 5) => {
  const res = await api.request("POST", `/api/v1/parties/${partyId}/topups`, {
    json: { credits, method: "eft_proof" },
  })
  expect(res.status).toBe(201)
  return bodyOf(res)
}

const putProof = (partyId: string, topUpId: string, bytes: Uint8Array, type = "application/pdf") =>
  api.request("PUT", `/api/v1/parties/${partyId}/topups/${topUpId}/proof`, {
    raw: bytes,
    headers: { "Content-Type": type },
  })

const issuesOf = async (res: Response) => {
  expect(res.status).toBe(400)
  const body = await bodyOf(res)
  return body.issues as Array<{ path: string; message: string }>
}

describe("POST /api/v1/parties/:partyId/topups", () => {
  it("creates an intent: 201, Location, the reference and the price as minor units", async () => {
    api = makeTestApi()
    const partyId = await approvedProvider(api, "+27821110001")
    const res = await api.request("POST", `/api/v1/parties/${partyId}/topups`, {
      json: { credits: 25, method: "eft_proof" },
    })
    expect(res.status).toBe(201)
    const body = await bodyOf(res)
    expectShape(TopUpResource, body)
    expect(res.headers.get("Location")).toBe(`/api/v1/topups/${body.id}`)
    expect(res.headers.get("Cache-Control")).toBe("no-store")
    expect(body).toMatchObject({
      partyId,
      method: "eft_proof",
      state: "awaiting_proof",
      credits: 25,
      // 25 credits at creditPriceMinor 1000 (R10.00 each).
      amountMinor: "25000",
      currency: "ZAR",
      proof: null,
      decidedAt: null,
    })
    expect(body.reference).toMatch(/\S{4,}/)
    expect(body.party.id).toBe(partyId)

    const again = await bodyOf(await api.request("GET", `/api/v1/topups/${body.id}`))
    expect(again).toEqual(body)
  })

  it("names each bad field in a 400", async () => {
    api = makeTestApi()
    const partyId = await approvedProvider(api, "+27821110002")
    const post = (json: unknown) =>
      api.request("POST", `/api/v1/parties/${partyId}/topups`, { json })
    expect(
      (await issuesOf(await post({ credits: "ten", method: "eft_proof" }))).map((i) => i.path),
    ).toEqual(["credits"])
    expect(
      (await issuesOf(await post({ credits: 10, method: "bitcoin" }))).map((i) => i.path),
    ).toEqual(["method"])
    expect((await issuesOf(await post({ credits: 10 }))).map((i) => i.path)).toEqual(["method"])
    expect(
      (await issuesOf(await post({ credits: 10, method: "card", tip: 5 }))).map((i) => i.path),
    ).toEqual(["tip"])
    expect(
      await issuesOf(
        await post({ credits: 10, method: "card", partyId: "pty_00000000000000000000" }),
      ),
    ).toEqual([{ path: "partyId", message: "is not a known field (it is in the URL)" }])
    for (const json of [[], "x", 5, null]) {
      const res = await post(json)
      expect(res.status, JSON.stringify(json)).toBe(400)
      expect((await bodyOf(res)).error).toBe("invalid_input")
    }
  })

  it("refuses a number of credits outside the policy's range, naming credits", async () => {
    api = makeTestApi()
    const partyId = await approvedProvider(api, "+27821110003")
    const res = await api.request("POST", `/api/v1/parties/${partyId}/topups`, {
      json: { credits: creditsPreset.credits.topUpMinCredits - 1, method: "eft_proof" },
    })
    expect(res.status).toBe(400)
    const body = await bodyOf(res)
    expect(body.error).toBe("top_up_out_of_range")
    expect(body.issues.map((i: { path: string }) => i.path)).toEqual(["credits"])
  })

  it("only providers have top-ups: 404 not_a_provider; an unknown party 404 party_not_found", async () => {
    api = makeTestApi()
    const customer = await api.runtime.runPromise(
      signUp({ kind: "customer", phone: "+27821110004" }),
    )
    const res = await api.request("POST", `/api/v1/parties/${customer.id}/topups`, {
      json: { credits: 10, method: "eft_proof" },
    })
    expect(res.status).toBe(404)
    expect((await bodyOf(res)).error).toBe("not_a_provider")

    const unknown = await api.request("POST", "/api/v1/parties/pty_00000000000000000000/topups", {
      json: { credits: 10, method: "eft_proof" },
    })
    expect(unknown.status).toBe(404)
    expect((await bodyOf(unknown)).error).toBe("party_not_found")
    const malformed = await api.request("POST", "/api/v1/parties/nope/topups", {
      json: { credits: 10, method: "eft_proof" },
    })
    expect(malformed.status).toBe(404)
  })
})

describe("PUT /api/v1/parties/:partyId/topups/:topUpId/proof", () => {
  it("stores a PDF sent as is: 200, proof_submitted, type, size and hash from the bytes", async () => {
    api = makeTestApi()
    const partyId = await approvedProvider(api, "+27821120001")
    const topUp = await createTopUp(partyId)
    const pdf = samplePdf("EFT R50")
    const res = await putProof(partyId, topUp.id, pdf)
    expect(res.status).toBe(200)
    const body = await bodyOf(res)
    expectShape(TopUpResource, body)
    expect(body.state).toBe("proof_submitted")
    expect(body.proof).toMatchObject({
      contentType: "application/pdf",
      size: pdf.byteLength,
      sha256: sha256(pdf),
    })
    expect(JSON.stringify(body)).not.toContain("proofs/")
  })

  it("the bytes decide the type, not the Content-Type", async () => {
    api = makeTestApi()
    const partyId = await approvedProvider(api, "+27821120002")
    const topUp = await createTopUp(partyId)
    const jpeg = await bodyOf(
      await putProof(partyId, topUp.id, sampleJpeg(), "application/octet-stream"),
    )
    expect(jpeg.proof.contentType).toBe("image/jpeg")
    // A replacement while waiting for review; and a PNG that claimed to be a PDF is a PNG.
    const png = await bodyOf(await putProof(partyId, topUp.id, samplePng(3), "application/pdf"))
    expect(png.proof.contentType).toBe("image/png")
    expect(png.state).toBe("proof_submitted")
  })

  it("refuses a text file called a PDF with 415 unsupported_content; nothing changes", async () => {
    api = makeTestApi()
    const partyId = await approvedProvider(api, "+27821120003")
    const topUp = await createTopUp(partyId)
    const res = await putProof(partyId, topUp.id, sampleText(), "application/pdf")
    expect(res.status).toBe(415)
    const body = await bodyOf(res)
    expect(body.error).toBe("unsupported_content")
    expect(body.detected).toBe("unknown")
    expect(body.allowed).toEqual(["application/pdf", "image/jpeg", "image/png"])
    const after = await bodyOf(await api.request("GET", `/api/v1/topups/${topUp.id}`))
    expect(after.state).toBe("awaiting_proof")
    expect(after.proof).toBeNull()
  })

  it("refuses a file over the policy's upload limit with 413 content_too_large", async () => {
    const limit = 600
    api = makeTestApi({ policy: { ...creditsPreset, uploads: { maxBytes: limit } } })
    const partyId = await approvedProvider(api, "+27821120004")
    const topUp = await createTopUp(partyId)
    const big = samplePdf("x".repeat(400))
    expect(big.byteLength).toBeGreaterThan(limit)
    const res = await putProof(partyId, topUp.id, big)
    expect(res.status).toBe(413)
    const body = await bodyOf(res)
    expect(body).toMatchObject({ error: "content_too_large", limit })
    expect(body.size).toBeGreaterThan(limit)

    // Streamed without a length, it is cut off as soon as it passes the limit.
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 100; i++) controller.enqueue(big)
        controller.close()
      },
    })
    const streamed = await api.app.request(`/api/v1/parties/${partyId}/topups/${topUp.id}/proof`, {
      method: "PUT",
      headers: {
        Authorization: "Bearer test-api-key-0123456789",
        "Content-Type": "application/pdf",
      },
      body: stream,
      duplex: "half",
    } as RequestInit)
    expect(streamed.status).toBe(413)

    const fits = await putProof(partyId, topUp.id, samplePdf("ok"))
    expect(fits.status).toBe(200)
  })

  it("refuses other media types with 415 unsupported_media_type, before reading the body", async () => {
    api = makeTestApi()
    const partyId = await approvedProvider(api, "+27821120005")
    const topUp = await createTopUp(partyId)
    for (const type of [
      "text/plain",
      "multipart/form-data; boundary=x",
      "application/json",
      "image/gif",
    ]) {
      const res = await putProof(partyId, topUp.id, samplePdf(), type)
      expect(res.status, type).toBe(415)
      const body = await bodyOf(res)
      expect(body.error).toBe("unsupported_media_type")
      expect(body.message).toContain("application/octet-stream")
    }
    const none = await api.request("PUT", `/api/v1/parties/${partyId}/topups/${topUp.id}/proof`, {
      raw: samplePdf(),
    })
    expect(none.status).toBe(415)
    // A charset or upper case does not matter.
    expect((await putProof(partyId, topUp.id, samplePdf(), "Application/PDF; q=1")).status).toBe(
      200,
    )
  })

  it("an empty body is a 400 saying to send the bytes", async () => {
    api = makeTestApi()
    const partyId = await approvedProvider(api, "+27821120006")
    const topUp = await createTopUp(partyId)
    const res = await putProof(partyId, topUp.id, new Uint8Array(0))
    expect(res.status).toBe(400)
    const body = await bodyOf(res)
    expect(body.error).toBe("invalid_input")
    expect(body.message).toContain("empty")
  })

  it("another provider's top-up answers exactly like an unknown one", async () => {
    api = makeTestApi()
    const owner = await approvedProvider(api, "+27821120007")
    const other = await approvedProvider(api, "+27821120008")
    const topUp = await createTopUp(owner)
    const res = await putProof(other, topUp.id, samplePdf())
    expect(res.status).toBe(404)
    const body = await bodyOf(res)
    expect(body).toEqual({
      error: "top_up_not_found",
      message: `no top-up ${topUp.id}`,
      topUpId: topUp.id,
    })
    const unknown = await putProof(other, "tpu_00000000000000000000", samplePdf())
    expect(unknown.status).toBe(404)
    expect((await bodyOf(unknown)).error).toBe("top_up_not_found")
    expect((await putProof(other, "nope", samplePdf())).status).toBe(404)
    expect((await putProof("nope", topUp.id, samplePdf())).status).toBe(404)
  })

  it("a decided top-up takes no new proof: 409", async () => {
    api = makeTestApi()
    const partyId = await approvedProvider(api, "+27821120009")
    const topUp = await createTopUp(partyId)
    expect((await putProof(partyId, topUp.id, samplePdf())).status).toBe(200)
    await api.runtime.runPromise(
      approveTopUp({ topUpId: topUp.id, operator: "ops", reason: "paid" }),
    )
    const res = await putProof(partyId, topUp.id, samplePdf("again"))
    expect(res.status).toBe(409)
    expect(await bodyOf(res)).toMatchObject({
      error: "transition_not_allowed",
      message: `cannot take a proof of payment for top-up ${topUp.id}: it is approved; a proof of payment needs the top-up to be awaiting_proof or proof_submitted`,
      from: "approved",
      command: "SubmitProof",
      allowedFrom: ["awaiting_proof", "proof_submitted"],
    })
  })
})

describe("GET /api/v1/topups/:topUpId", () => {
  it("404 for an unknown or malformed id", async () => {
    api = makeTestApi()
    for (const id of ["tpu_00000000000000000000", "nope", "pty_00000000000000000000"]) {
      const res = await api.request("GET", `/api/v1/topups/${id}`)
      expect(res.status, id).toBe(404)
      expect((await bodyOf(res)).error).toBe("top_up_not_found")
    }
  })
})

describe("wallets", () => {
  it("shows the balance once a top-up is approved, and the statement line for it", async () => {
    api = makeTestApi()
    const partyId = await approvedProvider(api, "+27821130001")
    const empty = await api.request("GET", `/api/v1/parties/${partyId}/wallet`)
    expect(empty.status).toBe(200)
    const before = await bodyOf(empty)
    expectShape(WalletResource, before)
    expect(before).toMatchObject({
      partyId,
      currency: "ZAR",
      credits: "0",
      earningsMinor: "0",
      weeklyCreditBudget: null,
      spentThisWeek: 0,
    })

    const topUp = await createTopUp(partyId, 40)
    await putProof(partyId, topUp.id, samplePdf())
    await api.runtime.runPromise(
      approveTopUp({ topUpId: topUp.id, operator: "ops", reason: "paid" }),
    )
    const after = await bodyOf(await api.request("GET", `/api/v1/parties/${partyId}/wallet`))
    expect(after.credits).toBe("40")

    const res = await api.request(
      "GET",
      `/api/v1/parties/${partyId}/wallet/statement?wallet=credits&limit=10`,
    )
    expect(res.status).toBe(200)
    const statement = await bodyOf(res)
    expectShape(StatementResource, statement)
    expect(statement.wallet).toBe("credits")
    expect(statement.lines).toHaveLength(1)
    expect(statement.lines[0]).toMatchObject({
      reason: "topup",
      unit: "CREDIT",
      change: "40",
      balanceAfter: "40",
      links: { topUpId: topUp.id },
    })
  })

  it("pages a statement newest first with limit and offset", async () => {
    api = makeTestApi()
    const partyId = await approvedProvider(api, "+27821130002")
    for (const credits of [1, 2, 3]) {
      await api.runtime.runPromise(
        grantCredits({ partyId, credits, operator: "ops", reason: `grant ${credits}` }),
      )
    }
    const page = async (query: string) =>
      (
        await bodyOf(
          await api.request("GET", `/api/v1/parties/${partyId}/wallet/statement${query}`),
        )
      ).lines.map((l: { change: string }) => l.change)
    expect(await page("")).toEqual(["3", "2", "1"])
    expect(await page("?limit=2")).toEqual(["3", "2"])
    expect(await page("?limit=2&offset=2")).toEqual(["1"])
    expect(await page("?wallet=earnings")).toEqual([])
  })

  it("names a bad query parameter in a 400", async () => {
    api = makeTestApi()
    const partyId = await approvedProvider(api, "+27821130003")
    const bad = async (query: string) =>
      (
        await issuesOf(
          await api.request("GET", `/api/v1/parties/${partyId}/wallet/statement${query}`),
        )
      ).map((i) => i.path)
    expect(await bad("?limit=abc")).toEqual(["limit"])
    expect(await bad("?limit=0")).toEqual(["limit"])
    expect(await bad("?limit=1001")).toEqual(["limit"])
    expect(await bad("?offset=-1")).toEqual(["offset"])
    expect(await bad("?wallet=savings")).toEqual(["wallet"])
    expect(await bad("?limt=5")).toEqual(["limt"])
  })

  it("404 for a customer's wallet, an unknown party and a malformed id", async () => {
    api = makeTestApi()
    const customer = await api.runtime.runPromise(
      signUp({ kind: "customer", phone: "+27821130004" }),
    )
    const cases = [
      [`/api/v1/parties/${customer.id}/wallet`, "not_a_provider"],
      [`/api/v1/parties/${customer.id}/wallet/statement`, "not_a_provider"],
      ["/api/v1/parties/pty_00000000000000000000/wallet", "party_not_found"],
      ["/api/v1/parties/nope/wallet", "party_not_found"],
      ["/api/v1/parties/nope/wallet/statement", "party_not_found"],
    ] as const
    for (const [path, error] of cases) {
      const res = await api.request("GET", path)
      expect(res.status, path).toBe(404)
      expect((await bodyOf(res)).error, path).toBe(error)
    }
  })

  it("sets and removes the weekly credit budget", async () => {
    api = makeTestApi()
    const partyId = await approvedProvider(api, "+27821130005")
    const put = (json: unknown) =>
      api.request("PUT", `/api/v1/parties/${partyId}/wallet/budget`, { json })
    const set = await put({ weeklyCreditBudget: 20 })
    expect(set.status).toBe(200)
    const wallet = await bodyOf(set)
    expectShape(WalletResource, wallet)
    expect(wallet.weeklyCreditBudget).toBe(20)
    expect(
      (await bodyOf(await api.request("GET", `/api/v1/parties/${partyId}/wallet`)))
        .weeklyCreditBudget,
    ).toBe(20)
    expect((await bodyOf(await put({ weeklyCreditBudget: null }))).weeklyCreditBudget).toBeNull()

    expect((await issuesOf(await put({ weeklyCreditBudget: 0 }))).map((i) => i.path)).toEqual([
      "weeklyCreditBudget",
    ])
    expect((await issuesOf(await put({ weeklyCreditBudget: 2.5 }))).map((i) => i.path)).toEqual([
      "weeklyCreditBudget",
    ])
    expect((await issuesOf(await put({}))).map((i) => i.path)).toEqual(["weeklyCreditBudget"])
    const form = await api.request("PUT", `/api/v1/parties/${partyId}/wallet/budget`, {
      raw: "weeklyCreditBudget=5",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    })
    expect(form.status).toBe(415)
  })

  it("every wallet endpoint needs the bearer key", async () => {
    api = makeTestApi()
    const partyId = "pty_00000000000000000000"
    for (const [method, path] of [
      ["GET", `/api/v1/parties/${partyId}/wallet`],
      ["GET", `/api/v1/parties/${partyId}/wallet/statement`],
      ["PUT", `/api/v1/parties/${partyId}/wallet/budget`],
      ["POST", `/api/v1/parties/${partyId}/topups`],
      ["PUT", `/api/v1/parties/${partyId}/topups/tpu_00000000000000000000/proof`],
      ["GET", "/api/v1/topups/tpu_00000000000000000000"],
    ] as const) {
      const res = await api.request(method, path, { token: null })
      expect(res.status, `${method} ${path}`).toBe(401)
    }
  })
})
