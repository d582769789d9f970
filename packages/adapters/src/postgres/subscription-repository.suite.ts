import { describe, expect, it } from "@effect/vitest"
import {
  type Instant,
  LinkScope,
  PaymentPurpose,
  PaymentState,
  SubscriptionState,
} from "@fundi/core"
import { Effect } from "effect"
import type { Knex } from "knex"
import { partyId } from "./fixtures.ts"
import { makeSubscriptionRepository } from "./subscription-repository.knex.ts"
import { isolatedDatabase } from "./testing.ts"

const at = (iso: string) => new Date(iso)
const subscriptionId = (n: number) => `sub_${String(n).padStart(20, "0")}`

const partyRow = (n: number) => ({
  id: partyId(n),
  kind: "customer",
  phone: `+2783${String(n).padStart(7, "0")}`,
  cohort: "live",
  channel: "whatsapp",
  status: "active",
  profile: JSON.stringify({ categories: [], serviceAreas: [], documents: [] }),
  created_at: at("2026-01-01T00:00:00Z"),
  updated_at: at("2026-01-01T00:00:00Z"),
})

const subscriptionRow = (n: number, changes: Record<string, unknown> = {}) => ({
  id: subscriptionId(n),
  customer_id: partyId(1),
  plan_id: "premium",
  plan_name: "Premium",
  price_minor: "19900",
  currency: "ZAR",
  state: "cancelled",
  created_at: at("2026-01-01T00:00:00Z"),
  updated_at: at("2026-01-01T00:00:00Z"),
  ...changes,
})

const paymentRow = (n: number, changes: Record<string, unknown> = {}) => ({
  id: `pay_${String(n).padStart(20, "0")}`,
  subscription_id: subscriptionId(1),
  customer_id: partyId(1),
  purpose: "subscription_start",
  reference: `FND-SUB-${String(n).padStart(6, "0")}`,
  amount_minor: "19900",
  currency: "ZAR",
  state: "pending",
  created_at: at("2026-01-01T00:00:00Z"),
  updated_at: at("2026-01-01T00:00:00Z"),
  ...changes,
})

/** The SQLSTATE a statement fails with, or "ok". */
const sqlstate = (statement: () => PromiseLike<unknown>) =>
  Effect.promise(() =>
    Promise.resolve(statement()).then(
      () => "ok",
      (error: { code?: string }) => error.code ?? "no code",
    ),
  )

/** Every plan node of an EXPLAIN (FORMAT JSON), flattened. */
const planNodes = (plan: Record<string, unknown>): Array<Record<string, unknown>> => [
  plan,
  ...((plan.Plans as Array<Record<string, unknown>> | undefined) ?? []).flatMap(planNodes),
]

/** The plan of the statement `run` sends, captured from knex as it is sent. */
export const planOf = (knex: Knex, run: () => PromiseLike<unknown>) =>
  Effect.promise(async () => {
    const sent: Array<{ sql: string; bindings: ReadonlyArray<unknown> }> = []
    const listen = (data: { sql: string; bindings?: ReadonlyArray<unknown> }) =>
      sent.push({ sql: data.sql, bindings: data.bindings ?? [] })
    knex.on("query", listen)
    try {
      await run()
    } finally {
      knex.removeListener("query", listen)
    }
    const statement = sent.at(-1)!
    const explained = await knex.raw<{ rows: Array<{ "QUERY PLAN": unknown }> }>(
      `explain (format json) ${statement.sql.replace(/\$\d+/g, "?")}`,
      statement.bindings as Array<Knex.Value>,
    )
    const plan = explained.rows[0]!["QUERY PLAN"]
    const root = (typeof plan === "string" ? JSON.parse(plan) : plan) as Array<{
      Plan: Record<string, unknown>
    }>
    return planNodes(root[0]!.Plan)
  })

/** The subscriptions tables' own guards, on PGlite and on a server. */
export const subscriptionsChecksSuite = (name: string, url: string): void => {
  describe(`subscriptions schema: ${name}`, () => {
    it.effect("CHECK constraints accept exactly the domain's literals", () =>
      Effect.gen(function* () {
        const { knex } = yield* isolatedDatabase(url)
        yield* Effect.promise(() =>
          knex("parties").insert(Array.from({ length: 30 }, (_, i) => partyRow(i + 1))),
        )
        yield* Effect.promise(() => knex("subscriptions").insert(subscriptionRow(1)))
        let n = 1
        const cases = [
          { table: "subscriptions", column: "state", literals: SubscriptionState.literals },
          { table: "subscription_payments", column: "state", literals: PaymentState.literals },
          { table: "subscription_payments", column: "purpose", literals: PaymentPurpose.literals },
        ] as const
        for (const { table, column, literals } of cases) {
          // Each subscription its own customer, so the one-open-per-customer keys allow all.
          const row = (value: string) => {
            n++
            return table === "subscriptions"
              ? subscriptionRow(n, { customer_id: partyId(n), [column]: value })
              : paymentRow(n, { [column]: value })
          }
          for (const literal of literals) {
            expect(yield* sqlstate(() => knex(table).insert(row(literal))), literal).toBe("ok")
          }
          expect(yield* sqlstate(() => knex(table).insert(row("nonsense")))).toBe("23514")
        }
        expect(
          yield* sqlstate(() =>
            knex("subscriptions").insert(subscriptionRow(900, { price_minor: "-1" })),
          ),
        ).toBe("23514")
        // Payment links are secure links of their own scope.
        for (const scope of LinkScope.literals) {
          expect(
            yield* sqlstate(() =>
              knex("secure_links").insert({
                id: `lnk_${scope}`,
                party_id: partyId(1),
                scope,
                object_id: "pay_00000000000000000001",
                issued_at: at("2026-01-01T00:00:00Z"),
                expires_at: at("2026-01-08T00:00:00Z"),
              }),
            ),
            scope,
          ).toBe("ok")
        }
      }).pipe(Effect.scoped),
    )

    it.effect(
      "one pending and one active-or-past-due subscription per customer, a known customer, unique references",
      () =>
        Effect.gen(function* () {
          const { knex } = yield* isolatedDatabase(url)
          yield* Effect.promise(() => knex("parties").insert([partyRow(1), partyRow(2)]))
          const insert = (n: number, changes: Record<string, unknown>) =>
            sqlstate(() => knex("subscriptions").insert(subscriptionRow(n, changes)))
          expect(yield* insert(1, { state: "pending_payment" })).toBe("ok")
          expect(yield* insert(2, { state: "pending_payment" })).toBe("23505")
          expect(yield* insert(3, { state: "active" })).toBe("ok")
          expect(yield* insert(4, { state: "past_due" })).toBe("23505")
          expect(yield* insert(5, { state: "cancelled" })).toBe("ok")
          expect(yield* insert(6, { state: "expired" })).toBe("ok")
          expect(yield* insert(7, { state: "past_due", customer_id: partyId(2) })).toBe("ok")
          expect(yield* insert(8, { customer_id: partyId(99) })).toBe("23503")

          expect(yield* sqlstate(() => knex("subscription_payments").insert(paymentRow(1)))).toBe(
            "ok",
          )
          const sameReference = paymentRow(2, { reference: paymentRow(1).reference })
          expect(yield* sqlstate(() => knex("subscription_payments").insert(sameReference))).toBe(
            "23505",
          )
          expect(
            yield* sqlstate(() =>
              knex("subscription_payments").insert(
                paymentRow(3, { subscription_id: subscriptionId(99) }),
              ),
            ),
          ).toBe("23503")
        }).pipe(Effect.scoped),
    )

    it.effect("listDue reads one range of the due index, whatever else the table holds", () =>
      Effect.gen(function* () {
        const { knex } = yield* isolatedDatabase(url)
        const customers = 400
        yield* Effect.promise(() =>
          knex.batchInsert(
            "parties",
            Array.from({ length: customers }, (_, i) => partyRow(i + 1)),
            200,
          ),
        )
        // Mostly ended subscriptions (no timer), some running, a few due.
        const rows = Array.from({ length: customers * 4 }, (_, i) => {
          const customer = partyId((i % customers) + 1)
          const slot = Math.floor(i / customers)
          return slot === 0
            ? subscriptionRow(i + 1, {
                customer_id: customer,
                state: "active",
                current_period_start: at("2026-01-01T00:00:00Z"),
                current_period_end: at(
                  i % 50 === 0 ? "2026-02-01T00:00:00Z" : "2026-03-01T00:00:00Z",
                ),
              })
            : subscriptionRow(i + 1, { customer_id: customer, state: "cancelled" })
        })
        yield* Effect.promise(() => knex.batchInsert("subscriptions", rows, 200))
        yield* Effect.promise(() => knex.raw("analyze subscriptions"))

        const repo = makeSubscriptionRepository(knex)
        const dueAt = Date.parse("2026-02-15T00:00:00Z") as Instant
        const due = yield* repo.listDue(dueAt, 5)
        expect(due).toHaveLength(5)
        expect(due.every((s) => s.state === "active" && s.currentPeriodEnd! <= dueAt)).toBe(true)

        const nodes = yield* planOf(knex, () => Effect.runPromise(repo.listDue(dueAt, 5)))
        const scans = nodes.filter((node) => String(node["Node Type"]).includes("Scan"))
        expect(scans.map((node) => [node["Node Type"], node["Index Name"]])).toEqual([
          ["Index Scan", "subscriptions_due_idx"],
        ])
      }).pipe(Effect.scoped),
    )
  })
}
