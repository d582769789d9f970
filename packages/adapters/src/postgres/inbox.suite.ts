import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { type InboundUpdate, InboxStatus, type Instant, inboxKey } from "@fundi/core"
import { Effect, Exit, Option } from "effect"
import { normalizeWebhook } from "../whatsapp/webhook-normalizer.ts"
import { makeInbox } from "./inbox.knex.ts"
import { isolatedDatabase } from "./testing.ts"

const row = (n: number, column: string, value: string) => {
  const fields = {
    key: `whatsapp:message:wamid.${n}`,
    channel: "whatsapp",
    phone: "+27820000001",
    kind: "message",
    update: "{}",
    status: "pending",
    next_attempt_at: new Date(0),
    received_at: new Date(0),
    [column]: value,
  }
  // Messages carry when they were sent; statuses do not (inbox_sent_at_check).
  return { ...fields, sent_at: fields.kind === "message" ? new Date(0) : null }
}

/** The inbox table's CHECKs, on PGlite and on a server. */
export const inboxChecksSuite = (name: string, url: string): void => {
  describe(`inbox schema: ${name}`, () => {
    it.effect("CHECK constraints accept exactly the domain's literals", () =>
      Effect.gen(function* () {
        const { knex } = yield* isolatedDatabase(url)
        const cases: ReadonlyArray<readonly [string, ReadonlyArray<string>]> = [
          ["status", InboxStatus.literals],
          ["kind", ["message", "status"]],
        ]
        let n = 0
        for (const [column, literals] of cases) {
          for (const literal of literals) {
            yield* Effect.promise(() => knex("inbox").insert(row(++n, column, literal)))
          }
          const refused = yield* Effect.exit(
            Effect.tryPromise(() => knex("inbox").insert(row(++n, column, `not-a-${column}`))),
          )
          expect(Exit.isFailure(refused), column).toBe(true)
        }
        // A message says when it was sent (the claim orders by it); a status does not.
        for (const bad of [
          { ...row(++n, "kind", "message"), sent_at: null },
          { ...row(++n, "kind", "status"), sent_at: new Date(0) },
        ]) {
          const refused = yield* Effect.exit(Effect.tryPromise(() => knex("inbox").insert(bad)))
          expect(Exit.isFailure(refused), `${bad.kind} sent_at`).toBe(true)
        }
      }).pipe(Effect.scoped),
    )
  })
}

const PHONES = ["+27820000001", "+27820000002", "+27820000003", "+27820000004", "+27820000005"]

/**
 * Workers racing through a backlog: claim, "process" (yield to the others), mark processed,
 * repeat. At no moment may two workers hold messages of one phone, and each phone's
 * messages must be processed in the order they were sent (ties in the order recorded),
 * whatever order the deliveries listed them in.
 */
export const inboxConcurrencySuite = (name: string, url: string, workers: number): void => {
  describe(`inbox under concurrent workers: ${name}`, () => {
    it.live(
      `${workers} workers never hold two messages of one phone and keep each phone's sent order`,
      () =>
        Effect.gen(function* () {
          const db = yield* isolatedDatabase(url, { poolMax: workers + 4 })
          const inbox = makeInbox(db.knex)
          const updates: Array<InboundUpdate> = Array.from({ length: 120 }, (_, i) => ({
            _tag: "message",
            message: {
              id: `wamid.${String(i).padStart(4, "0")}`,
              channel: "whatsapp",
              from: PHONES[i % PHONES.length]!,
              // Sent out of listed order, with ties (i and i + 40: the same phone, same time).
              at: ((i * 37) % 40) as Instant,
              content: { _tag: "text", body: `${i}` },
            },
          }))
          // Three deliveries, one of them a redelivery of the first.
          yield* inbox.record(updates.slice(0, 60), 1_000 as Instant)
          yield* inbox.record(updates.slice(0, 60), 2_000 as Instant)
          yield* inbox.record(updates.slice(60), 3_000 as Instant)

          const held = new Map<string, number>()
          const order = new Map<string, Array<string>>()
          let overlaps = 0
          const worker = Effect.gen(function* () {
            while (true) {
              const claimed = yield* inbox.claimDue({
                now: 10_000 as Instant,
                limit: 3,
                leaseMs: 600_000,
              })
              if (claimed.length === 0) {
                const open = yield* inbox.list({ status: "pending" })
                if (open.length === 0) return
                yield* Effect.yieldNow
                continue
              }
              for (const entry of claimed) {
                if ((held.get(entry.phone) ?? 0) > 0) overlaps++
                held.set(entry.phone, (held.get(entry.phone) ?? 0) + 1)
              }
              yield* Effect.yieldNow
              for (const entry of claimed) {
                const id = entry.update._tag === "message" ? entry.update.message.id : entry.key
                order.set(entry.phone, [...(order.get(entry.phone) ?? []), id])
                held.set(entry.phone, held.get(entry.phone)! - 1)
                yield* inbox.markProcessed(entry.key, 10_000 as Instant)
              }
            }
          })
          yield* Effect.all(
            Array.from({ length: workers }, () => worker),
            {
              concurrency: "unbounded",
            },
          )

          expect(overlaps).toBe(0)
          for (const phone of PHONES) {
            const expected = updates
              .flatMap((u, i) =>
                u._tag === "message" && u.message.from === phone ? [[u.message, i] as const] : [],
              )
              .sort(([a, i], [b, j]) => a.at - b.at || i - j)
              .map(([m]) => m.id)
            expect(order.get(phone), phone).toEqual(expected)
          }
          expect(yield* inbox.list({ status: "processed" })).toHaveLength(updates.length)
        }).pipe(Effect.scoped),
      120_000,
    )
  })
}

/** Real deliveries, normalized, through jsonb and back: every type, names with emoji. */
export const inboxFixturesSuite = (name: string, url: string): void => {
  describe(`inbox with normalized webhook fixtures: ${name}`, () => {
    it.effect("gives back every recorded update exactly as normalized", () =>
      Effect.gen(function* () {
        const { knex } = yield* isolatedDatabase(url)
        const inbox = makeInbox(knex)
        const dir = join(import.meta.dirname, "../whatsapp/fixtures")
        const files = [
          "meta_every_type_batched.json",
          ...readdirSync(join(dir, "pywa")).map((f) => `pywa/${f}`),
        ]
        const updates = files.flatMap(
          (f) =>
            normalizeWebhook(JSON.parse(readFileSync(join(dir, f), "utf8")), 5 as Instant).updates,
        )
        const unique = new Map(updates.map((u) => [inboxKey(u), u]))
        expect((yield* inbox.record(updates, 5 as Instant)).recorded).toBe(unique.size)
        for (const [key, update] of unique) {
          const entry = yield* inbox.findByKey(key)
          expect(Option.getOrUndefined(entry)?.update, key).toEqual(update)
        }
      }).pipe(Effect.scoped),
    )

    it.effect(
      "stores any text and number a signed delivery can carry, and claims past a row it cannot read",
      () =>
        Effect.gen(function* () {
          const { knex } = yield* isolatedDatabase(url)
          const inbox = makeInbox(knex)
          const message = (id: string, part: Record<string, unknown>) => ({
            from: "27821110000",
            id,
            timestamp: "1700000000",
            ...part,
          })
          // JSON.parse turns 1e400 into Infinity; \u0000 and a lone surrogate are valid JSON
          // that Postgres text and jsonb refuse.
          const body = `{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","messages":[
          ${JSON.stringify(message("wamid.nul", { type: "text", text: { body: "a\u0000b" } }))},
          ${JSON.stringify(message("wamid.half", { type: "text", text: { body: "x\ud83d" } })).replace("\\ud83d", "\ud83d")},
          {"from":"27821110000","id":"wamid.inf","timestamp":"1700000001","type":"location","location":{"latitude":1e400,"longitude":28}}
        ]}}]}]}`
          const updates = normalizeWebhook(JSON.parse(body), 5 as Instant).updates
          expect((yield* inbox.record(updates, 5 as Instant)).recorded).toBe(3)
          const texts = updates.flatMap((u) =>
            u._tag === "message" && u.message.content._tag === "text"
              ? [u.message.content.body]
              : [],
          )
          expect(texts).toEqual(["a\uFFFDb", "x\uFFFD"])
          const location = updates.find((u) => u._tag === "message" && u.message.id === "wamid.inf")
          expect(location?._tag === "message" && location.message.content._tag).toBe("unsupported")

          // A row nobody can read (changed by hand) is set aside, not claimed again forever.
          yield* Effect.promise(() =>
            knex("inbox")
              .where({ key: "whatsapp:message:wamid.nul" })
              .update({ update: { broken: true } }),
          )
          const claimed = yield* inbox.claimDue({ now: 10 as Instant, limit: 10, leaseMs: 1_000 })
          expect(claimed.map((e) => e.key)).not.toContain("whatsapp:message:wamid.nul")
          const setAside = yield* inbox.findByKey("whatsapp:message:wamid.nul").pipe(Effect.result)
          expect(setAside._tag).toBe("Failure")
          const row = yield* Effect.promise(() =>
            knex("inbox")
              .where({ key: "whatsapp:message:wamid.nul" })
              .first("status", "last_error"),
          )
          expect(row.status).toBe("failed")
          expect(row.last_error).toMatch(/does not hold a valid value/)
          // The phone's next message is claimable once the broken one is out of the way.
          const next = yield* inbox.claimDue({ now: 10 as Instant, limit: 10, leaseMs: 1_000 })
          expect([...claimed, ...next].map((e) => e.key)).toContain("whatsapp:message:wamid.half")
        }).pipe(Effect.scoped),
    )
  })
}
