import type {
  ChannelError,
  DeliveryStatusUpdate,
  InboundContent,
  InboundMessage,
  InboundUpdate,
  Instant,
} from "@fundi/core"
import { Result, Schema } from "effect"

/**
 * WhatsApp Cloud API webhook payloads -> channel-neutral `InboundUpdate`s. Pure: the route
 * logs what was skipped. Every message and status of every change of every entry is taken
 * (one POST can carry hundreds). A message whose type we do not read, or whose part for its
 * type is malformed, becomes `unsupported` rather than being dropped; only an update with
 * no id or no sender is skipped, since it could be neither keyed nor answered.
 */

const Str = Schema.String
const opt = Schema.optionalKey

const Envelope = Schema.Struct({
  object: Str,
  entry: Schema.Array(
    Schema.Struct({
      changes: opt(Schema.Array(Schema.Struct({ field: opt(Str), value: opt(Schema.Unknown) }))),
    }),
  ),
})

const ChangeValue = Schema.Struct({
  metadata: opt(Schema.Struct({ phone_number_id: opt(Str) })),
  contacts: opt(
    Schema.Array(
      Schema.Struct({ wa_id: opt(Str), profile: opt(Schema.Struct({ name: opt(Str) })) }),
    ),
  ),
  messages: opt(Schema.Array(Schema.Unknown)),
  statuses: opt(Schema.Array(Schema.Unknown)),
})

const MessageBase = Schema.Struct({
  id: Schema.NonEmptyString,
  from: Schema.NonEmptyString,
  timestamp: opt(Str),
  type: opt(Str),
  context: opt(Schema.Struct({ id: opt(Str) })),
  errors: opt(Schema.Array(Schema.Unknown)),
})

const Media = Schema.Struct({
  id: Schema.NonEmptyString,
  mime_type: opt(Str),
  sha256: opt(Str),
  caption: opt(Str),
  filename: opt(Str),
})

const ApiError = Schema.Struct({
  code: Schema.Finite,
  title: opt(Str),
  message: opt(Str),
  error_data: opt(Schema.Struct({ details: opt(Str) })),
})

const parts = {
  text: Schema.Struct({ body: Str }),
  interactive: Schema.Struct({
    type: Str,
    button_reply: opt(Schema.Struct({ id: Str, title: Str })),
    list_reply: opt(Schema.Struct({ id: Str, title: Str, description: opt(Str) })),
    nfm_reply: opt(Schema.Struct({ name: opt(Str), body: opt(Str) })),
  }),
  button: Schema.Struct({ payload: Str, text: Str }),
  location: Schema.Struct({
    latitude: Schema.Finite,
    longitude: Schema.Finite,
    name: opt(Str),
    address: opt(Str),
  }),
  contacts: Schema.Array(
    Schema.Struct({
      name: opt(Schema.Struct({ formatted_name: opt(Str), first_name: opt(Str) })),
      phones: opt(Schema.Array(Schema.Struct({ phone: opt(Str), wa_id: opt(Str) }))),
    }),
  ),
  reaction: Schema.Struct({ message_id: Str, emoji: opt(Str) }),
  order: Schema.Struct({
    catalog_id: Str,
    text: opt(Str),
    product_items: opt(
      Schema.Array(
        Schema.Struct({
          product_retailer_id: Str,
          quantity: Schema.Finite,
          item_price: Schema.Finite,
          currency: Str,
        }),
      ),
    ),
  }),
  system: Schema.Struct({
    body: opt(Str),
    type: opt(Str),
    wa_id: opt(Str),
    new_wa_id: opt(Str),
  }),
  unsupported: Schema.Struct({ type: opt(Str) }),
} as const

const Status = Schema.Struct({
  id: Schema.NonEmptyString,
  status: Schema.Literals(["sent", "delivered", "read", "failed"]),
  timestamp: opt(Str),
  recipient_id: opt(Str),
  errors: opt(Schema.Array(Schema.Unknown)),
})

const decode = <S extends Schema.Decoder<unknown>>(schema: S) => {
  const run = Schema.decodeUnknownResult(schema)
  return (value: unknown): Result.Result<S["Type"], string> =>
    Result.mapError(run(value), (e) => e.message)
}

const decodeEnvelope = decode(Envelope)
const decodeValue = decode(ChangeValue)
const decodeBase = decode(MessageBase)
const decodeMedia = decode(Media)
const decodeStatus = decode(Status)
const decodeApiError = decode(ApiError)
const decodePart = {
  text: decode(parts.text),
  interactive: decode(parts.interactive),
  button: decode(parts.button),
  location: decode(parts.location),
  contacts: decode(parts.contacts),
  reaction: decode(parts.reaction),
  order: decode(parts.order),
  system: decode(parts.system),
  unsupported: decode(parts.unsupported),
}

const MEDIA_KINDS = ["image", "document", "audio", "video", "sticker"] as const
type MediaKind = (typeof MEDIA_KINDS)[number]
const isMediaKind = (type: string): type is MediaKind =>
  (MEDIA_KINDS as ReadonlyArray<string>).includes(type)

/** WhatsApp sends digits only; E.164 wants the "+". */
export const toE164 = (waId: string): string => (waId.startsWith("+") ? waId : `+${waId}`)

/** Unix seconds as text -> Instant; `fallback` when absent or not a number. */
const instantOf = (timestamp: string | undefined, fallback: Instant): Instant =>
  timestamp !== undefined && /^\d{1,12}$/.test(timestamp)
    ? ((Number(timestamp) * 1000) as Instant)
    : fallback

/** `A` with its possibly-undefined keys made optional keys, as `defined` returns it. */
type Defined<A> = { [K in keyof A as undefined extends A[K] ? never : K]: A[K] } & {
  [K in keyof A as undefined extends A[K] ? K : never]?: Exclude<A[K], undefined>
}

/** Keys whose value is undefined are left out (the domain schemas use exact optional keys). */
const defined = <A extends Record<string, unknown>>(value: A): Defined<A> =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Defined<A>

const channelErrors = (errors: ReadonlyArray<unknown> | undefined): Array<ChannelError> =>
  (errors ?? []).flatMap((raw) => {
    const e = decodeApiError(raw)
    if (Result.isFailure(e)) return []
    const detail = e.success.error_data?.details ?? e.success.message
    return [
      defined({
        code: e.success.code,
        title: e.success.title ?? e.success.message ?? `error ${e.success.code}`,
        detail,
      }),
    ]
  })

const unsupported = (originalType: string, detail?: string): InboundContent =>
  defined({ _tag: "unsupported" as const, originalType, detail })

const malformed = (type: string, reason: string) =>
  unsupported(type, `malformed ${type}: ${reason}`)

/** The content of one message, by its type. */
const contentOf = (type: string, raw: Record<string, unknown>): InboundContent => {
  const part = raw[type]
  const or = <A>(result: Result.Result<A, string>, f: (a: A) => InboundContent) =>
    Result.isSuccess(result) ? f(result.success) : malformed(type, result.failure)

  if (isMediaKind(type)) {
    return or(decodeMedia(part), (m) =>
      defined({
        _tag: "media" as const,
        kind: type,
        mediaId: m.id,
        mimeType: m.mime_type,
        sha256: m.sha256,
        caption: m.caption,
        filename: m.filename,
      }),
    )
  }
  switch (type) {
    case "text":
      return or(decodePart.text(part), (t) => ({ _tag: "text", body: t.body }))
    case "interactive":
      return or(decodePart.interactive(part), (i) => {
        if (i.type === "button_reply" && i.button_reply !== undefined) {
          return { _tag: "button_reply", id: i.button_reply.id, title: i.button_reply.title }
        }
        if (i.type === "list_reply" && i.list_reply !== undefined) {
          return defined({
            _tag: "list_reply" as const,
            id: i.list_reply.id,
            title: i.list_reply.title,
            description: i.list_reply.description,
          })
        }
        // A WhatsApp Flow's answer: we send no Flows, so nothing should reply with one.
        if (i.type === "nfm_reply") {
          return unsupported(
            "interactive.nfm_reply",
            `flow reply ${i.nfm_reply?.name ?? ""}`.trim(),
          )
        }
        return unsupported(`interactive.${i.type}`)
      })
    case "button":
      return or(decodePart.button(part), (b) => ({
        _tag: "quick_reply",
        payload: b.payload,
        text: b.text,
      }))
    case "location":
      return or(decodePart.location(part), (l) =>
        defined({
          _tag: "location" as const,
          latitude: l.latitude,
          longitude: l.longitude,
          name: l.name,
          address: l.address,
        }),
      )
    case "contacts":
      return or(decodePart.contacts(part), (cs) => ({
        _tag: "contacts",
        contacts: cs.map((c) => ({
          name: c.name?.formatted_name ?? c.name?.first_name ?? "",
          phones: (c.phones ?? []).flatMap((p) =>
            p.wa_id !== undefined ? [toE164(p.wa_id)] : p.phone !== undefined ? [p.phone] : [],
          ),
        })),
      }))
    case "reaction":
      return or(decodePart.reaction(part), (r) =>
        // Removing a reaction arrives as an empty (or missing) emoji.
        defined({
          _tag: "reaction" as const,
          messageId: r.message_id,
          emoji: r.emoji === "" ? undefined : r.emoji,
        }),
      )
    case "order":
      return or(decodePart.order(part), (o) =>
        defined({
          _tag: "order" as const,
          catalogId: o.catalog_id,
          text: o.text,
          items: (o.product_items ?? []).map((p) => ({
            productId: p.product_retailer_id,
            quantity: p.quantity,
            price: p.item_price,
            currency: p.currency,
          })),
        }),
      )
    case "system":
      return or(decodePart.system(part), (s) => {
        const newId = s.new_wa_id ?? s.wa_id
        return defined({
          _tag: "system" as const,
          body: s.body ?? "",
          kind: s.type,
          newPhone: newId === undefined ? undefined : toE164(newId),
        })
      })
    default: {
      // "unsupported" (Meta could not read it either) names the real type inside, if at all.
      const inner = decodePart.unsupported(part)
      const original = Result.isSuccess(inner) ? inner.success.type : undefined
      const errors = channelErrors(raw.errors as ReadonlyArray<unknown> | undefined)
      return unsupported(
        original ?? type,
        errors.length > 0 ? errors.map((e) => `${e.code} ${e.title}`).join("; ") : undefined,
      )
    }
  }
}

export interface NormalizedWebhook {
  readonly updates: ReadonlyArray<InboundUpdate>
  /** Updates left out, each with why (for the log). */
  readonly skipped: ReadonlyArray<string>
  /** Set when the payload as a whole is not a WhatsApp messages webhook. */
  readonly ignored?: string
}

const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {}

/** An update's id for the log, whatever else is wrong with it. */
const idOf = (raw: unknown): string => {
  const id = asRecord(raw).id
  return typeof id === "string" ? id : "(no id)"
}

/** A NUL, or half of a surrogate pair: JSON carries them, Postgres text and jsonb refuse them. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g
const NUL = String.fromCharCode(0)

/**
 * The payload with every string made storable (U+FFFD in place of what Postgres refuses),
 * so one odd character cannot fail the insert of a whole delivery, which Meta would then
 * retry for days. Numbers JSON cannot hold (1e400 parses to Infinity) fail `Schema.Finite`.
 */
const storable = (value: unknown): unknown => {
  if (typeof value === "string") {
    return value.replaceAll(NUL, "\uFFFD").replace(LONE_SURROGATE, "\uFFFD")
  }
  if (Array.isArray(value)) return value.map(storable)
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [storable(k), storable(v)]))
  }
  return value
}

/**
 * Normalizes one parsed webhook body. `receivedAt` stands in for a missing or unreadable
 * timestamp, so such an update is still recorded.
 */
export const normalizeWebhook = (payload: unknown, receivedAt: Instant): NormalizedWebhook => {
  const envelope = decodeEnvelope(storable(payload))
  if (Result.isFailure(envelope)) {
    return { updates: [], skipped: [], ignored: `not a webhook envelope: ${envelope.failure}` }
  }
  if (envelope.success.object !== "whatsapp_business_account") {
    return { updates: [], skipped: [], ignored: `object "${envelope.success.object}"` }
  }
  const updates: Array<InboundUpdate> = []
  const skipped: Array<string> = []
  for (const entry of envelope.success.entry) {
    for (const change of entry.changes ?? []) {
      if (change.field !== "messages") {
        skipped.push(`change field "${change.field ?? ""}"`)
        continue
      }
      const value = decodeValue(change.value)
      if (Result.isFailure(value)) {
        skipped.push(`change value: ${value.failure}`)
        continue
      }
      const { metadata, contacts = [], messages = [], statuses = [] } = value.success
      const nameOf = (waId: string) =>
        (
          contacts.find((c) => c.wa_id === waId) ??
          (contacts.length === 1 ? contacts[0] : undefined)
        )?.profile?.name

      for (const raw of messages) {
        const base = decodeBase(raw)
        if (Result.isFailure(base)) {
          skipped.push(`message ${idOf(raw)}: ${base.failure}`)
          continue
        }
        const m = base.success
        const type = m.type ?? "unknown"
        const message: InboundMessage = defined({
          id: m.id,
          channel: "whatsapp" as const,
          from: toE164(m.from),
          to: metadata?.phone_number_id,
          at: instantOf(m.timestamp, receivedAt),
          contactName: nameOf(m.from),
          replyTo: m.context?.id,
          content: contentOf(type, asRecord(raw)),
        })
        updates.push({ _tag: "message", message })
      }

      for (const raw of statuses) {
        const decoded = decodeStatus(raw)
        if (Result.isFailure(decoded)) {
          skipped.push(`status ${idOf(raw)}: ${decoded.failure}`)
          continue
        }
        const s = decoded.success
        const errors = channelErrors(s.errors)
        const status: DeliveryStatusUpdate = defined({
          providerMessageId: s.id,
          channel: "whatsapp" as const,
          state: s.status,
          at: instantOf(s.timestamp, receivedAt),
          recipient: s.recipient_id === undefined ? "" : toE164(s.recipient_id),
          errors: errors.length > 0 ? errors : undefined,
        })
        updates.push({ _tag: "status", status })
      }
    }
  }
  return { updates, skipped }
}
