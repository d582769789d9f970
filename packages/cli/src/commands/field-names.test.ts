import { afterEach, describe, expect, it } from "vitest"
import { type Harness, makeHarness } from "../testing/cli-harness.ts"

let h: Harness
afterEach(() => h.dispose())

/** A word like `duplicateOf` or `maxOpenAssignments`: a schema field, not something ops typed. */
const fieldName = /\b[a-z]+[A-Z][A-Za-z]*\b/

describe("bad input is refused naming the flag or argument, never a schema field", () => {
  it("every command line here fails with a message free of internal field names", async () => {
    h = makeHarness()
    const customer = await h.customer("+27820009001")
    const provider = await h.provider("+27820009101", "Sipho Plumbing")
    const r = ["--reason", "x"]
    const long = "x".repeat(3000)
    const req = "req_00000000000000000000"
    const cases: ReadonlyArray<ReadonlyArray<string>> = [
      ["ops", "applications", "show", "bad"],
      ["ops", "applications", "approve", "bad", ...r],
      ["ops", "applications", "approve", "app_00000000000000000000", "--reason", " "],
      ["ops", "background-check", "record", "bad", "--result", "passed", ...r],
      ["ops", "providers", "show", "bad"],
      ["ops", "providers", "suspend", "bad", ...r],
      ["ops", "providers", "reach", provider, "--capacity", "abc", ...r],
      ["ops", "providers", "reach", provider, "--capacity", "0", ...r],
      ["ops", "providers", "reach", provider, "--base", "1,2", "--radius-km", "abc", ...r],
      ["ops", "providers", "reach", provider, "--base", "100,2", "--radius-km", "5", ...r],
      ["ops", "providers", "reach", provider, "--base", "1,200", "--radius-km", "5", ...r],
      [
        "ops",
        "providers",
        "reach",
        provider,
        "--window",
        "2026-12-02T08:00Z/2026-12-01T08:00Z",
        ...r,
      ],
      ["ops", "providers", "reach", customer, "--capacity", "2", ...r],
      ["ops", "requests", "show", "bad"],
      ["ops", "requests", "clarify", "bad", "--question", "q"],
      ["ops", "requests", "clarify", req, "--question", " "],
      ["ops", "requests", "ready", "bad"],
      ["ops", "requests", "cancel", "bad", ...r],
      ["ops", "requests", "cancel", req, "--reason", long],
      ["ops", "dispatch", "run", "bad", ...r],
      ["ops", "dispatch", "override", "bad", "--provider", "bad", ...r],
      ["ops", "leads", "show", "bad"],
      [
        "ops",
        "leads",
        "refund-request",
        "bad",
        "--provider",
        "bad",
        "--reason-code",
        "duplicate_request",
        "--duplicate-of",
        "bad",
        "--note",
        long,
        ...r,
      ],
      ["ops", "leads", "refund-approve", "bad", ...r],
      ["ops", "wallet", "show", "bad"],
      ["ops", "wallet", "statement", "bad"],
      ["ops", "earnings", "payout", "bad", "--amount", "100", ...r],
      ["ops", "topups", "list", "--provider", "bad"],
      ["ops", "topups", "show", "bad"],
      ["ops", "topups", "approve", "bad", ...r],
      ["ops", "credits", "grant", "bad", "--credits", "5", ...r],
      ["ops", "credits", "grant", provider, "--credits", "5", "--idempotency-key", long, ...r],
      ["ops", "audit", "--subject", long],
      ["ops", "audit", "--actor", long],
      ["ops", "audit", "--action", long],
      ["ops", "links", "list", "--party", "bad"],
      ["ops", "links", "revoke", "bad", ...r],
      ["ops", "conversations", "show", "bad"],
      ["ops", "outbox", "list", "--to", "bad"],
      ["ops", "outbox", "retry", "bad", ...r],
      ["ops", "subscriptions", "list", "--customer", "bad"],
      ["ops", "subscriptions", "show", "bad"],
      ["ops", "subscriptions", "cancel", "bad", ...r],
    ]
    for (const args of cases) {
      const result = await h.cli([...args, "--as", "alice", "--json"])
      const seen = { args: args.join(" ").slice(0, 120), stderr: result.stderr }
      expect({ ...seen, failed: result.code === 1 }).toEqual({ ...seen, failed: true })
      expect({ ...seen, stdout: result.stdout }).toEqual({ ...seen, stdout: "" })
      expect(result.stderr).toMatch(/^error: /)
      expect(result.stderr).not.toMatch(fieldName)
    }
  })
})
