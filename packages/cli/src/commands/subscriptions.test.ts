import { AuditLog, chooseSubscriptionPlan, subscriptionPreset } from "@fundi/core"
import { Effect } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { type Harness, json, makeHarness } from "../testing/cli-harness.ts"

let h: Harness
beforeEach(() => {
  h = makeHarness({ policy: subscriptionPreset })
})
afterEach(() => h.dispose())

const as = ["--as", "alice"]

interface SubscriptionDoc {
  readonly id: string
  readonly customerId: string
  readonly planId: string
  readonly planName: string
  readonly priceMinor: string
  readonly state: string
  readonly payBy: string | null
  readonly endedAt: string | null
  readonly endReason: string | null
}

interface PaymentDoc {
  readonly id: string
  readonly reference: string
  readonly purpose: string
  readonly amountMinor: string
  readonly currency: string
  readonly state: string
}

/** Lerato chose Premium (waiting for payment); Sipho is on the free plan. */
const scene = async () => {
  const lerato = await h.customer("+27831110000")
  const sipho = await h.customer("+27831112222")
  const [premium, free] = await h.runtime.runPromise(
    Effect.all([
      chooseSubscriptionPlan({ customerId: lerato, planId: "premium" }),
      chooseSubscriptionPlan({ customerId: sipho, planId: "pay-as-go" }),
    ]),
  )
  return { lerato, sipho, premium, free }
}

describe("fundi ops subscriptions", () => {
  it("lists subscriptions newest first, filtered by state and by homeowner", async () => {
    const { lerato, premium, free } = await scene()
    const all = json<{ subscriptions: Array<SubscriptionDoc> }>(
      await h.cli(["ops", "subscriptions", "list", ...as, "--json"]),
    )
    expect(all.subscriptions.map((s) => s.id).sort()).toEqual(
      [premium.subscription.id, free.subscription.id].sort(),
    )

    const pending = json<{ subscriptions: Array<SubscriptionDoc> }>(
      await h.cli(["ops", "subscriptions", "list", "--state", "pending_payment", ...as, "--json"]),
    )
    expect(pending.subscriptions).toHaveLength(1)
    expect(pending.subscriptions[0]).toMatchObject({
      id: premium.subscription.id,
      customerId: lerato,
      planId: "premium",
      planName: "Premium",
      priceMinor: "9900",
      state: "pending_payment",
    })
    expect(pending.subscriptions[0]?.payBy).toMatch(/^\d{4}-\d\d-\d\dT/)

    const hers = json<{ subscriptions: Array<SubscriptionDoc> }>(
      await h.cli(["ops", "subscriptions", "list", "--customer", lerato, ...as, "--json"]),
    )
    expect(hers.subscriptions.map((s) => s.id)).toEqual([premium.subscription.id])

    const table = await h.cli(["ops", "subscriptions", "list", ...as])
    expect(table.code).toBe(0)
    expect(table.stdout).toContain("Premium")
    expect(table.stdout).toContain("ZAR 99.00 a month")
    expect(table.stdout).toContain("free")
    expect(table.stdout).toMatch(/pay by \d{4}-\d\d-\d\d/)

    const none = await h.cli(["ops", "subscriptions", "list", "--state", "expired", ...as])
    expect(none.stdout).toBe("no expired subscriptions\n")
  })

  it("a state that does not exist is a usage error naming the valid ones", async () => {
    const bad = await h.cli(["ops", "subscriptions", "list", "--state", "paid", ...as])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain("pending_payment, active, past_due, cancelled, expired")
  })

  it("shows one subscription with its payments", async () => {
    const { premium } = await scene()
    const id = premium.subscription.id
    const shown = json<{ subscription: SubscriptionDoc; payments: Array<PaymentDoc> }>(
      await h.cli(["ops", "subscriptions", "show", id, ...as, "--json"]),
    )
    expect(shown.subscription.id).toBe(id)
    expect(shown.payments).toEqual([
      expect.objectContaining({
        id: premium.payment?.id,
        reference: premium.payment?.reference,
        purpose: "subscription_start",
        amountMinor: "9900",
        currency: "ZAR",
        state: "pending",
      }),
    ])

    const text = await h.cli(["ops", "subscriptions", "show", id, ...as])
    expect(text.code).toBe(0)
    expect(text.stdout).toContain("Premium (premium), ZAR 99.00 a month")
    expect(text.stdout).toContain("pay by:")
    expect(text.stdout).toContain(premium.payment?.reference ?? "?")
  })

  it("an unknown or malformed id is one clear line, exit 1", async () => {
    const unknown = await h.cli(["ops", "subscriptions", "show", "sub_00000000000000000099", ...as])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toBe("error: no subscription sub_00000000000000000099\n")

    const malformed = await h.cli(["ops", "subscriptions", "show", "42", ...as])
    expect(malformed.code).toBe(1)
    expect(malformed.stderr.trim().split("\n")).toHaveLength(1)
    expect(malformed.stderr).toMatch(/^error: ID "42": /)
  })

  it("cancels with the operator and reason in the audit log; a reason is required", async () => {
    const { premium } = await scene()
    const id = premium.subscription.id
    const noReason = await h.cli(["ops", "subscriptions", "cancel", id, ...as])
    expect(noReason.code).toBe(2)
    expect(noReason.stderr).toContain("--reason")

    const cancelled = json<{ subscription: SubscriptionDoc }>(
      await h.cli([
        "ops",
        "subscriptions",
        "cancel",
        id,
        "--reason",
        "asked by phone",
        ...as,
        "--json",
      ]),
    )
    expect(cancelled.subscription.state).toBe("cancelled")
    expect(cancelled.subscription.endedAt).not.toBeNull()

    const audit = await h.runtime.runPromise(
      Effect.flatMap(AuditLog, (log) => log.list({ subjectId: id })),
    )
    expect(audit.map((e) => [e.actor, e.reason])).toContainEqual([
      { _tag: "operator", name: "alice" },
      "asked by phone",
    ])

    const again = await h.cli(["ops", "subscriptions", "cancel", id, "--reason", "again", ...as])
    expect(again.code).toBe(1)
    expect(again.stderr.trim().split("\n")).toHaveLength(1)
  })
})
