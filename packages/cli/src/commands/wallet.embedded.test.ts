import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { loadConfig, openFundi } from "@fundi/adapters"
import { samplePdf } from "@fundi/adapters/testing"
import { createTopUp, type PartyId, submitTopUpProof } from "@fundi/core"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { embeddedEnv, runCli } from "../testing/embedded-cli.ts"

/**
 * The top-up journey as ops live it: every command a separate `fundi` process would be,
 * on the embedded database (PGlite in a data directory) and the local file store, through
 * the real composition root. Only the provider's side (create the top-up, upload the proof)
 * goes straight to the use cases, as the WhatsApp or HTTP channel would.
 */
describe("the top-up journey on the embedded database", () => {
  it("seed, top-up with proof, list, open the proof, approve, see the credits, check the ledger", async () => {
    const { dir, env } = embeddedEnv("fundi-embedded-")
    const fundi = (...args: string[]) => runCli(env, args)

    const seeded = await fundi("dev", "seed", "--json")
    expect(seeded.stderr).toBe("")
    expect(seeded.code).toBe(0)
    const thandi = (
      JSON.parse(seeded.stdout) as { parties: ReadonlyArray<{ name: string; partyId: string }> }
    ).parties.find((p) => p.name === "Thandi Nkosi")!.partyId as PartyId

    const proof = samplePdf("EFT R200 ref demo")
    const app = await openFundi(loadConfig(env))
    let topUpId: string
    let reference: string
    try {
      const topUp = await app.runtime.runPromise(
        Effect.gen(function* () {
          const created = yield* createTopUp({ partyId: thandi, credits: 20, method: "eft_proof" })
          return yield* submitTopUpProof({ topUpId: created.id, partyId: thandi, bytes: proof })
        }),
      )
      topUpId = topUp.id
      reference = topUp.reference
    } finally {
      await app.close()
    }
    // The proof is a file under FUNDI_FILES_DIR, not a row in the database.
    expect(readdirSync(join(dir, "files"), { recursive: true }).join("\n")).toMatch(/\.pdf$/m)

    const queue = await fundi("ops", "topups", "list")
    expect(queue.code).toBe(0)
    expect(queue.stdout).toContain(reference)
    expect(queue.stdout).toMatch(/ZAR 200\.00\s+eft_proof\s+application\/pdf/)

    const out = join(dir, "opened.pdf")
    const shown = await fundi("ops", "topups", "show", topUpId, "--proof-out", out)
    expect(shown.stderr).toBe("")
    expect(shown.code).toBe(0)
    expect(existsSync(out)).toBe(true)
    expect(new Uint8Array(readFileSync(out))).toEqual(proof)

    const approved = await fundi("ops", "topups", "approve", topUpId, "--reason", "bank line 7")
    expect(approved.stderr).toBe("")
    expect(approved.code).toBe(0)

    const wallet = await fundi("ops", "wallet", "show", thandi, "--json")
    expect(JSON.parse(wallet.stdout).wallet.credits).toBe("20")
    const statement = await fundi("ops", "wallet", "statement", thandi)
    expect(statement.stdout).toMatch(/topup\s+\+20 credits\s+20 credits/)

    const granted = await fundi(
      "ops",
      "credits",
      "clawback",
      thandi,
      "--credits",
      "21",
      "--reason",
      "more than they hold",
    )
    expect(granted.code).toBe(1)
    expect(granted.stderr).toContain("it holds 20 credits, 21 credits needed")

    const check = await fundi("ops", "ledger", "check")
    expect(check.stderr).toBe("")
    expect(check.code).toBe(0)
    expect(check.stdout).toMatch(/^ledger ok: /)
  }, 120_000)
})
