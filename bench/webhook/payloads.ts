// Webhook deliveries in the shapes Meta documents (and ../shared/fixtures/whatsapp holds):
// one POST carries one entry with one "messages" change whose value holds 1-10 updates,
// messages and statuses mixed the way a busy number sees them. Pure and seeded, so the
// unit test and the load generator see the same payloads for the same seed.
import {
  escapeNonAscii,
  signatureHeader,
} from "../../packages/adapters/src/whatsapp/webhook-signature.ts"

/** A small deterministic generator (xorshift32): the same seed, the same deliveries. */
export const makeRandom = (seed: number) => {
  let state = seed >>> 0 || 1
  return (below: number): number => {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    return (state >>> 0) % below
  }
}
export type Random = ReturnType<typeof makeRandom>

export const PHONE_NUMBER_ID = "106540352242922"
const DISPLAY_NUMBER = "27600000000"

/**
 * Kinds and their weights out of 100: about two thirds messages (mostly text and taps on
 * our buttons and lists, some photos and location pins), one third statuses of our sends.
 */
const mix = [
  ["text", 30],
  ["button_reply", 12],
  ["list_reply", 8],
  ["image", 8],
  ["location", 6],
  ["sent", 12],
  ["delivered", 12],
  ["read", 9],
  ["failed", 3],
] as const
export type UpdateKind = (typeof mix)[number][0]
const totalWeight = mix.reduce((sum, [, w]) => sum + w, 0)

const pick = (random: Random): UpdateKind => {
  let roll = random(totalWeight)
  for (const [kind, weight] of mix) {
    if (roll < weight) return kind
    roll -= weight
  }
  return "text"
}

/** Names with accents: Meta signs the body with them escaped as \uXXXX, as `encodeBody` does. */
const names = ["Thandi Nkosi", "Sipho Dlamini", "Zoë Müller", "Amahle Zulu", "José Pérez", "Lerato"]
const texts = [
  "Hi, my geyser is leaking",
  "menu",
  "status",
  "The water is coming through the ceiling 😟",
  "Tomorrow morning works",
  "help",
]

export interface Delivery {
  /** The JSON document to post (encode it with `encodeBody`). */
  readonly body: unknown
  /** The inbox key each update must be recorded under (see `inboxKey` in core). */
  readonly keys: ReadonlyArray<string>
  readonly kinds: ReadonlyArray<UpdateKind>
}

/**
 * Delivery number `seq` of a run: ids embed `runId` and `seq`, so every update of a run
 * is unique and a key names the delivery it came in. Statuses refer to made-up ids of our
 * messages, each unique, so each status is its own inbox key as well.
 */
export const makeDelivery = (
  runId: string,
  seq: number,
  random: Random,
  at: number,
  maxUpdates = 10,
): Delivery => {
  const count = 1 + random(maxUpdates)
  const timestamp = String(Math.floor(at / 1000))
  const messages: Array<Record<string, unknown>> = []
  const statuses: Array<Record<string, unknown>> = []
  const contacts = new Map<string, string>()
  const keys: Array<string> = []
  const kinds: Array<UpdateKind> = []
  for (let i = 0; i < count; i++) {
    const kind = pick(random)
    const waId = `2782${String(random(10_000_000)).padStart(7, "0")}`
    const id = `wamid.bench.${runId}.${seq}.${i}`
    kinds.push(kind)
    if (kind === "sent" || kind === "delivered" || kind === "read" || kind === "failed") {
      keys.push(`whatsapp:status:${id}:${kind}`)
      statuses.push({
        id,
        status: kind,
        timestamp,
        recipient_id: waId,
        ...(kind === "failed"
          ? {
              errors: [
                {
                  code: 131026,
                  title: "Message undeliverable",
                  message: "Message undeliverable",
                  error_data: { details: "Message Undeliverable." },
                },
              ],
            }
          : {
              conversation: { id: `conv${random(1_000_000)}`, origin: { type: "service" } },
              pricing: { billable: true, pricing_model: "CBP", category: "service" },
            }),
      })
      continue
    }
    keys.push(`whatsapp:message:${id}`)
    contacts.set(waId, names[random(names.length)]!)
    const base = { from: waId, id, timestamp }
    const context = { from: DISPLAY_NUMBER, id: `wamid.bench.${runId}.ours.${random(1_000_000)}` }
    switch (kind) {
      case "text":
        messages.push({ ...base, type: "text", text: { body: texts[random(texts.length)]! } })
        break
      case "button_reply":
        messages.push({
          ...base,
          context,
          type: "interactive",
          interactive: {
            type: "button_reply",
            button_reply: { id: "offer.accept", title: "Accept" },
          },
        })
        break
      case "list_reply":
        messages.push({
          ...base,
          context,
          type: "interactive",
          interactive: {
            type: "list_reply",
            list_reply: {
              id: "category.plumbing",
              title: "Plumbing",
              description: "Leaks, geysers",
            },
          },
        })
        break
      case "image":
        messages.push({
          ...base,
          type: "image",
          image: {
            caption: "the geyser",
            mime_type: "image/jpeg",
            sha256: "n3Q2b5QF0t2K0T0mZfJgq7r0nMHC1oZl1h9p3V0cE1E=",
            id: String(1_000_000_000 + random(1_000_000_000)),
          },
        })
        break
      case "location":
        messages.push({
          ...base,
          type: "location",
          location: {
            latitude: -26.2 - random(1000) / 10_000,
            longitude: 28.0 + random(1000) / 10_000,
            name: "Home",
            address: "12 Vilakazi St, Soweto",
          },
        })
        break
    }
  }
  const value: Record<string, unknown> = {
    messaging_product: "whatsapp",
    metadata: { display_phone_number: DISPLAY_NUMBER, phone_number_id: PHONE_NUMBER_ID },
  }
  if (contacts.size > 0) {
    value.contacts = [...contacts].map(([wa_id, name]) => ({ profile: { name }, wa_id }))
  }
  if (messages.length > 0) value.messages = messages
  if (statuses.length > 0) value.statuses = statuses
  return {
    body: {
      object: "whatsapp_business_account",
      entry: [{ id: "102290129340398", changes: [{ value, field: "messages" }] }],
    },
    keys,
    kinds,
  }
}

/** JSON as Meta sends it: every non-ASCII character escaped as \uXXXX (lowercase hex). */
export const encodeBody = (body: unknown): string => escapeNonAscii(JSON.stringify(body))

/** X-Hub-Signature-256 for a raw body, as the adapter computes it. */
export const signature = signatureHeader
