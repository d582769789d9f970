import {
  AuditLog,
  answerClarification,
  Outbox,
  type PartyId,
  type ServiceRequest,
  submitRequest,
} from "@fundi/core"
import { afterEach, describe, expect, it } from "vitest"
import { type Harness, json, makeHarness } from "../testing/cli-harness.ts"

interface RequestDoc {
  readonly id: string
  readonly state: string
  readonly customerId: string
  readonly availability: unknown
  readonly clarificationQuestion: string | null
  readonly cancellationReason: string | null
  readonly totalAmountMinor: string | null
}

let h: Harness
afterEach(() => h.dispose())

const as = ["--as", "alice"]

/** A homeowner's request, made through the use case as the WhatsApp channel would. */
const request = (
  customerId: PartyId,
  extra: Record<string, unknown> = {},
): Promise<ServiceRequest> =>
  h.runtime.runPromise(
    submitRequest({
      customerId,
      category: "plumbing",
      description: "Geyser leaking through the ceiling",
      location: { area: "soweto" },
      mode: "in_person",
      urgency: "urgent",
      availability: "now",
      ...extra,
    }),
  )

describe("fundi ops requests", () => {
  it("lists the review queue, asks a question (the homeowner is messaged), marks ready", async () => {
    h = makeHarness()
    const customer = await h.customer("+27820002001")
    const first = await request(customer)
    const second = await request(customer, {
      mode: "virtual",
      estimatedMinutes: 30,
      totalAmountMinor: "35000",
    })

    const queue = await h.cli(["ops", "requests", "list", ...as])
    expect(queue.code).toBe(0)
    expect(queue.stdout).toMatch(
      /^ID\s+STATE\s+CATEGORY\s+AREA\s+MODE\s+URGENCY\s+COHORT\s+SUBMITTED/,
    )
    const lines = queue.stdout.trim().split("\n").slice(1)
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual([first.id, second.id])

    const asked = await h.cli([
      "ops",
      "requests",
      "clarify",
      first.id,
      "--question",
      "Is the water still running?",
      ...as,
    ])
    expect(asked.code).toBe(0)
    expect(asked.stdout).toContain(`asked the homeowner about request ${first.id}`)
    expect(asked.stdout).toMatch(/state:\s+needs_clarification/)
    const sent = await h.runtime.runPromise(Outbox.use((o) => o.list({ partyId: customer })))
    expect(sent.map((m) => [m.channel, m.template])).toEqual([
      ["whatsapp", "request.clarification"],
    ])
    expect(sent[0]?.body).toContain("Is the water still running?")
    // The homeowner answers (in the chat): ops see the question and the answer.
    await h.runtime.runPromise(
      answerClarification({ requestId: first.id, customerId: customer, text: "Yes, a trickle" }),
    )
    const withAnswer = await h.cli(["ops", "requests", "show", first.id, ...as])
    expect(withAnswer.stdout).toMatch(/asked by alice: Is the water still running\?/)
    expect(withAnswer.stdout).toContain("homeowner answered: Yes, a trickle")
    const answerJson = json<{ clarifications: ReadonlyArray<{ kind: string; text: string }> }>(
      await h.cli(["ops", "requests", "show", first.id, ...as, "--json"]),
    )
    expect(answerJson.clarifications.map((c) => [c.kind, c.text])).toEqual([
      ["question", "Is the water still running?"],
      ["answer", "Yes, a trickle"],
    ])

    const shown = json<{ request: RequestDoc }>(
      await h.cli(["ops", "requests", "show", second.id, ...as, "--json"]),
    )
    expect(shown.request).toMatchObject({
      id: second.id,
      state: "submitted",
      customerId: customer,
      availability: "now",
      totalAmountMinor: "35000",
    })

    const ready = await h.cli(["ops", "requests", "ready", second.id, ...as, "--json"])
    expect(json<{ request: RequestDoc }>(ready).request.state).toBe("ready")

    // The default queue is what waits on ops or the homeowner; --state and --all widen it.
    const waiting = json<{ requests: ReadonlyArray<RequestDoc> }>(
      await h.cli(["ops", "requests", "list", ...as, "--json"]),
    )
    expect(waiting.requests.map((r) => r.id)).toEqual([first.id])
    const readyOnes = json<{ requests: ReadonlyArray<RequestDoc> }>(
      await h.cli(["ops", "requests", "list", "--state", "ready", ...as, "--json"]),
    )
    expect(readyOnes.requests.map((r) => r.id)).toEqual([second.id])
    const all = json<{ requests: ReadonlyArray<RequestDoc> }>(
      await h.cli(["ops", "requests", "list", "--all", ...as, "--json"]),
    )
    expect(all.requests).toHaveLength(2)

    const audit = await h.runtime.runPromise(
      AuditLog.use((log) => log.list({ actorName: "alice" })),
    )
    expect(audit.map((e) => e.action).sort()).toEqual(["request.clarify", "request.ready"])
    // Asked again, then answered by phone: ops release it; the question is closed by them.
    await h.cli(["ops", "requests", "clarify", first.id, "--question", "Which tap?", ...as])
    const byPhone = await h.cli([
      "ops",
      "requests",
      "ready",
      first.id,
      "--reason",
      "she phoned: the kitchen tap",
      ...as,
    ])
    expect(byPhone.code).toBe(0)
    expect(byPhone.stdout).toMatch(/state:\s+ready/)
    const closed = await h.cli(["ops", "requests", "show", first.id, ...as])
    expect(closed.stdout).toContain(
      "question closed by alice, request released: she phoned: the kitchen tap",
    )
  })

  it("cancels with a reason, and a second decision says what state allows it", async () => {
    h = makeHarness()
    const customer = await h.customer("+27820002002")
    const r = await request(customer)
    const cancelled = await h.cli([
      "ops",
      "requests",
      "cancel",
      r.id,
      "--reason",
      "duplicate request",
      ...as,
      "--json",
    ])
    expect(cancelled.code).toBe(0)
    expect(json<{ request: RequestDoc }>(cancelled).request).toMatchObject({
      state: "cancelled",
      cancellationReason: "duplicate request",
    })
    const again = await h.cli(["ops", "requests", "ready", r.id, ...as])
    expect(again.code).toBe(1)
    expect(again.stderr).toContain(
      `error: cannot release request ${r.id} for dispatch: it is cancelled; release for dispatch needs the request to be submitted or needs_clarification\n`,
    )
    expect(again.stderr).toContain("hint: a request that is cancelled is closed for good")
  })

  it("explains what to fix: unknown ids, bad ids, missing flags, unknown states", async () => {
    h = makeHarness()
    const unknown = await h.cli(["ops", "requests", "show", "req_00000000000000000000", ...as])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain("no request with id req_00000000000000000000")
    expect(unknown.stderr).toContain("fundi ops requests list --all")

    const bad = await h.cli(["ops", "requests", "show", "nope", ...as])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain(
      'ID "nope": must be a request id: "req_" then 20 letters and digits (lower case, no i, l, o or u)',
    )
    // A pasted wall of text is named by its start, not echoed back whole.
    const huge = await h.cli(["ops", "requests", "show", `req_${"x".repeat(10_000)}`, ...as])
    expect(huge.code).toBe(1)
    expect(huge.stderr).toContain(`ID "req_${"x".repeat(35)}…"`)
    expect(huge.stderr.length).toBeLessThan(300)

    const noQuestion = await h.cli([
      "ops",
      "requests",
      "clarify",
      "req_00000000000000000000",
      ...as,
    ])
    expect(noQuestion.code).toBe(2)
    expect(noQuestion.stderr).toContain("--question")

    const empty = await h.cli([
      "ops",
      "requests",
      "clarify",
      "req_00000000000000000000",
      "--question",
      "",
      ...as,
    ])
    expect(empty.code).toBe(1)
    expect(empty.stderr).toMatch(/--question: /)

    const noReason = await h.cli(["ops", "requests", "cancel", "req_00000000000000000000", ...as])
    expect(noReason.code).toBe(2)
    expect(noReason.stderr).toContain("--reason")

    const state = await h.cli(["ops", "requests", "list", "--state", "open", ...as])
    expect(state.code).toBe(2)
    expect(state.stderr).toContain('"open" is not one of submitted')
    for (const empty of ["", ",", " , "]) {
      const none = await h.cli(["ops", "requests", "list", "--state", empty, ...as])
      expect(none.code).toBe(2)
      expect(none.stderr).toContain("give one or more of submitted")
    }

    const anonymous = await h.cli(["ops", "requests", "list"])
    expect(anonymous.code).toBe(2)
  })
})
