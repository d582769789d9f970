import { Effect, Layer, Option } from "effect"
import { compareText, InMemoryStore } from "../../shared/testing/in-memory-store.ts"
import type { Instant } from "../../shared/time.ts"
import { type InboundUpdate, inboxKey } from "../domain/inbound.ts"
import type { InboxEntry } from "../domain/inbox-entry.ts"
import { REJECTED_EXCERPT_MAX, type RejectedDelivery } from "../domain/rejected-delivery.ts"
import { Inbox } from "../ports/inbox.ts"

export const inboxTable = "inbox"
export const rejectedTable = "webhook_rejects"

/** The phone an update is about: who sent a message, who received our message. */
export const inboxPhone = (update: InboundUpdate): string =>
  update._tag === "message" ? update.message.from : update.status.recipient

const active = (entry: InboxEntry) => entry.status === "pending" || entry.status === "processing"

/** When the person sent it (WhatsApp's timestamp); statuses have no place in a sender's order. */
const sentAt = (entry: InboxEntry): number =>
  entry.update._tag === "message" ? entry.update.message.at : Number.NEGATIVE_INFINITY

/**
 * Which of `entries` (oldest first: receivedAt, then recorded order) a claim at `now` may
 * take: due ones, where a message is claimable only when it is its phone's first open
 * message in the sender's order (WhatsApp timestamp, ties by receivedAt and recorded
 * order), and no other message of the phone is under a live lease. That keeps one phone's
 * messages in the order they were sent (within a delivery, and across deliveries while the
 * later one still waits) and on one worker at a time; a delivery status changes no
 * conversation, so it never waits.
 */
export const claimableEntries = (
  entries: ReadonlyArray<InboxEntry>,
  now: Instant,
): ReadonlyArray<InboxEntry> => {
  const open = entries.filter(active)
  const first = new Map<string, InboxEntry>()
  const leased = new Set<string>()
  for (const entry of open) {
    if (entry.update._tag !== "message") continue
    if (entry.status === "processing" && entry.nextAttemptAt > now) leased.add(entry.phone)
    const earliest = first.get(entry.phone)
    // Strictly earlier only: on a tie the one met first (received first) stays.
    if (earliest === undefined || sentAt(entry) < sentAt(earliest)) first.set(entry.phone, entry)
  }
  return open.filter(
    (entry) =>
      entry.nextAttemptAt <= now &&
      (entry.update._tag !== "message" ||
        (first.get(entry.phone) === entry && !leased.has(entry.phone))),
  )
}

/** Oldest first; the Map keeps recorded order, and sort is stable. */
const oldestFirst = (rows: Iterable<InboxEntry>) =>
  [...rows].sort((a, b) => a.receivedAt - b.receivedAt)

/** The inbox over the in-memory store; a claim is a lease, like the outbox's. */
export const layerInboxInMemory: Layer.Layer<Inbox, never, InMemoryStore> = Layer.effect(
  Inbox,
  Effect.gen(function* () {
    const store = yield* InMemoryStore
    const rows = () => store.table<InboxEntry>(inboxTable)
    const rejected = () => store.table<RejectedDelivery>(rejectedTable)
    const reading = <A>(f: () => A) => Effect.andThen(store.read, Effect.sync(f))
    const writing = <A>(f: () => A) => Effect.andThen(store.write, Effect.sync(f))
    const change = (key: string, f: (entry: InboxEntry) => InboxEntry) =>
      writing(() => {
        const entry = rows().get(key)
        if (entry !== undefined) rows().set(key, f(entry))
      })

    return Inbox.of({
      record: (updates, receivedAt) =>
        writing(() => {
          let recorded = 0
          for (const update of updates) {
            const key = inboxKey(update)
            if (rows().has(key)) continue
            rows().set(key, {
              key,
              channel: "whatsapp",
              phone: inboxPhone(update),
              update,
              status: "pending",
              attempts: 0,
              nextAttemptAt: receivedAt,
              receivedAt,
            })
            recorded++
          }
          return { recorded }
        }),
      claimDue: ({ now, limit, leaseMs }) =>
        writing(() =>
          claimableEntries(oldestFirst(rows().values()), now)
            .slice(0, Math.max(0, limit))
            .map((entry) => {
              const claimed: InboxEntry = {
                ...entry,
                status: "processing",
                attempts: entry.attempts + 1,
                nextAttemptAt: (now + leaseMs) as Instant,
              }
              rows().set(entry.key, claimed)
              return claimed
            }),
        ),
      markProcessed: (key, at) =>
        change(key, (entry) => ({ ...entry, status: "processed", processedAt: at })),
      markFailed: (key, error, retryAt) =>
        change(key, (entry) =>
          Option.match(retryAt, {
            onNone: () => ({ ...entry, status: "failed" as const, lastError: error }),
            onSome: (at) => ({
              ...entry,
              status: "pending" as const,
              lastError: error,
              nextAttemptAt: at,
            }),
          }),
        ),
      findByKey: (key) => reading(() => Option.fromUndefinedOr(rows().get(key))),
      list: (filter) =>
        reading(() => {
          const newestFirst = oldestFirst(rows().values())
            .reverse()
            .filter(
              (e) =>
                (filter.phone === undefined || e.phone === filter.phone) &&
                (filter.status === undefined || e.status === filter.status),
            )
          return filter.limit === undefined ? newestFirst : newestFirst.slice(0, filter.limit)
        }),
      recordRejected: ({ fingerprint, reason, excerpt, size, at }) =>
        writing(() => {
          const seen = rejected().get(fingerprint)
          rejected().set(
            fingerprint,
            seen === undefined
              ? {
                  fingerprint,
                  channel: "whatsapp",
                  reason,
                  excerpt: excerpt.slice(0, REJECTED_EXCERPT_MAX),
                  size,
                  firstAt: at,
                  lastAt: at,
                  count: 1,
                }
              : { ...seen, lastAt: Math.max(at, seen.lastAt) as Instant, count: seen.count + 1 },
          )
        }),
      listRejected: (filter) =>
        reading(() => {
          const recent = [...rejected().values()].sort(
            (a, b) => b.lastAt - a.lastAt || compareText(a.fingerprint, b.fingerprint),
          )
          return filter.limit === undefined ? recent : recent.slice(0, filter.limit)
        }),
    })
  }),
)
