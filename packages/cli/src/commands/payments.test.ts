import { PaymentEvents, recordPaymentEvent, subscriptionPreset } from "@fundi/core"
import { Effect } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { type Harness, json, makeHarness } from "../testing/cli-harness.ts"

let h: Harness
beforeEach(() => {
  h = makeHarness({ policy: subscriptionPreset })
})
afterEach(() => h.dispose())

const as = ["--as", "alice"]

describe("fundi ops payments events", () => {
  const event = (key: string, reference: string) =>
    recordPaymentEvent({
      key,
      gateway: "paystack",
      event: "charge.success",
      reference,
      payload: { event: "charge.success", data: { id: 1, reference } },
    })

  it("lists the gateway's events, and with --failed only those given up on", async () => {
    await h.runtime.runPromise(
      Effect.gen(function* () {
        yield* event("charge.success:1", "FND-SUB-AAAAAA")
        yield* event("charge.success:2", "FND-SUB-BBBBBB")
        yield* (yield* PaymentEvents).retryOrFail("charge.success:2", {
          error: "the gateway does not know this reference",
        })
      }),
    )
    const all = json<{ events: Array<{ key: string; state: string; payload: unknown }> }>(
      await h.cli(["ops", "payments", "events", ...as, "--json"]),
    )
    expect(all.events.map((e) => e.key).sort()).toEqual(["charge.success:1", "charge.success:2"])
    expect(all.events.find((e) => e.key === "charge.success:1")?.payload).toEqual({
      event: "charge.success",
      data: { id: 1, reference: "FND-SUB-AAAAAA" },
    })

    const failed = json<{ events: Array<{ key: string; state: string; lastError: string }> }>(
      await h.cli(["ops", "payments", "events", "--failed", ...as, "--json"]),
    )
    expect(failed.events).toEqual([
      expect.objectContaining({
        key: "charge.success:2",
        state: "failed",
        lastError: "the gateway does not know this reference",
      }),
    ])

    const table = await h.cli(["ops", "payments", "events", "--failed", ...as])
    expect(table.stdout).toContain("FND-SUB-BBBBBB")
    expect(table.stdout).toContain("the gateway does not know this reference")
    expect(table.stdout).not.toContain("FND-SUB-AAAAAA")
  })

  it("says so when there are none; --limit is checked", async () => {
    expect((await h.cli(["ops", "payments", "events", "--failed", ...as])).stdout).toBe(
      "no failed payment events\n",
    )
    const bad = await h.cli(["ops", "payments", "events", "--limit", "0", ...as])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain("must be a whole number from 1 to 1000")
  })

  it("every ops read says who runs it", async () => {
    const anonymous = await h.cli(["ops", "payments", "events"])
    expect(anonymous.code).toBe(2)
    expect(anonymous.stderr).toContain("--as NAME")
  })
})
