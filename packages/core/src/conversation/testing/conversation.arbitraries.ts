import * as fc from "fast-check"
import { actionId, GlobalCommand, OfferVerb } from "../domain/commands.ops.ts"
import type { InboundContent } from "../domain/inbound.ts"
import { WhatsAppLimits } from "../domain/intent.ops.ts"
import type { MessageIntent } from "../domain/intent.ts"

/** The ids of every button and row of an intent: what a person could tap next. */
export const tappableIds = (intent: MessageIntent | undefined): ReadonlyArray<string> => {
  if (intent === undefined) return []
  switch (intent._tag) {
    case "buttons":
      return intent.buttons.map((b) => b.id)
    case "list":
      return intent.sections.flatMap((s) => s.rows.map((r) => r.id))
    default:
      return []
  }
}

const words = fc.constantFrom(
  "hi",
  "menu",
  "help",
  "status",
  "start",
  "cancel",
  "1",
  "2",
  "4",
  "now",
  "skip",
  "done",
  "soweto",
  "Lerato",
  "tomorrow 9-12",
  "sat 9am-1pm",
  "today 25-26",
  "plumbing, electrical",
  "5",
  "weekdays 08:00-17:00",
  "The geyser leaks through the ceiling",
)

/** Text people might type, from command words and good answers to noise and emoji. */
export const arbitraryInboundText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: words },
  { weight: 1, arbitrary: fc.string({ maxLength: 300 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }) },
)

/** Ids a person could send back: ours (some stale or forged) and nonsense. */
export const arbitraryTapId: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...GlobalCommand).map(actionId.command),
  fc.constantFrom(
    actionId.startFlow("sign_up", "customer"),
    actionId.startFlow("sign_up", "provider"),
    actionId.startFlow("sign_up", "admin"),
    actionId.startFlow("request_help"),
    actionId.startFlow("apply"),
    actionId.startFlow("nope"),
    actionId.answer("photos", "done"),
    actionId.answer("availability", "now"),
    actionId.answer("urgency", "urgent"),
    actionId.answer("mode", "in_person"),
    actionId.answer("category", "plumbing"),
  ),
  fc
    .tuple(fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom(...OfferVerb))
    .map(([offerId, verb]) => actionId.offer(offerId, verb)),
  fc
    .tuple(
      fc.string({ minLength: 1, maxLength: 12 }),
      fc.constantFrom<number | "none">(0, 1, 2, "none"),
    )
    .map(([offerId, slot]) => actionId.pickTime(offerId, slot)),
  fc.string({ maxLength: 300 }),
)

/** Any content the normalizer can produce, biased towards what flows expect. */
export const arbitraryInboundContent: fc.Arbitrary<InboundContent> = fc.oneof(
  { weight: 5, arbitrary: arbitraryInboundText.map((body) => ({ _tag: "text" as const, body })) },
  {
    weight: 3,
    arbitrary: arbitraryTapId.map((id) => ({ _tag: "button_reply" as const, id, title: "x" })),
  },
  {
    weight: 1,
    arbitrary: arbitraryTapId.map((id) => ({ _tag: "list_reply" as const, id, title: "x" })),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      _tag: fc.constant("media" as const),
      kind: fc.constantFrom("image" as const, "document" as const, "audio" as const),
      mediaId: fc.constant("media-1"),
      storedKey: fc.constantFrom("photos/a.jpg", "docs/id.pdf", "bad key/..//x"),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      _tag: fc.constant("location" as const),
      latitude: fc.double({ min: -90, max: 90, noNaN: true }),
      longitude: fc.double({ min: -180, max: 180, noNaN: true }),
      address: fc.string({ maxLength: 400 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom<InboundContent>(
      { _tag: "reaction", messageId: "wamid.1", emoji: "👍" },
      { _tag: "unsupported", originalType: "sticker_pack" },
      { _tag: "system", body: "changed number" },
      { _tag: "contacts", contacts: [{ name: "Sipho", phones: ["+27820000000"] }] },
      { _tag: "quick_reply", payload: "cmd:stop", text: "Stop" },
    ),
  },
)

/** Text of a length around `limit`: often just inside or just over it, sometimes empty. */
const textNear = (limit: number): fc.Arbitrary<string> =>
  fc
    .oneof(
      fc.constantFrom(0, 1, limit - 1, limit, limit + 1),
      fc.integer({ min: 0, max: limit + 2 }),
    )
    .chain((length) =>
      fc.string({ minLength: Math.max(0, length), maxLength: Math.max(0, length) }),
    )

const countNear = (limit: number) =>
  fc.oneof(fc.constantFrom(0, 1, limit, limit + 1), fc.integer({ min: 0, max: limit + 1 }))

const optional = <A>(arbitrary: fc.Arbitrary<A>) => fc.option(arbitrary, { nil: undefined })

const L = WhatsAppLimits

/** Any intent, with counts and lengths around WhatsApp's limits: some valid, many not. */
export const arbitraryIntent: fc.Arbitrary<MessageIntent> = fc.oneof(
  textNear(L.textBody).map((body) => ({ _tag: "text" as const, body })),
  fc
    .record({
      body: textNear(L.buttons.body),
      header: optional(textNear(L.buttons.header)),
      footer: optional(textNear(L.buttons.footer)),
      buttons: countNear(L.buttons.max).chain((n) =>
        fc.array(fc.record({ id: textNear(L.buttons.id), title: textNear(L.buttons.title) }), {
          minLength: n,
          maxLength: n,
        }),
      ),
    })
    .map(({ header, footer, ...rest }) => ({
      _tag: "buttons" as const,
      ...rest,
      ...(header === undefined ? {} : { header }),
      ...(footer === undefined ? {} : { footer }),
    })),
  fc
    .record({
      body: textNear(L.list.body),
      button: textNear(L.list.button),
      sections: fc.array(
        fc.record({
          title: optional(textNear(L.list.sectionTitle)),
          rows: fc.array(
            fc.record({
              id: textNear(L.list.rowId),
              title: textNear(L.list.rowTitle),
              description: optional(textNear(L.list.rowDescription)),
            }),
            { maxLength: 6 },
          ),
        }),
        { maxLength: 3 },
      ),
    })
    .map((list) => ({
      _tag: "list" as const,
      body: list.body,
      button: list.button,
      sections: list.sections.map((s) => ({
        ...(s.title === undefined ? {} : { title: s.title }),
        rows: s.rows.map((r) => ({
          id: r.id,
          title: r.title,
          ...(r.description === undefined ? {} : { description: r.description }),
        })),
      })),
    })),
  fc
    .record({
      kind: fc.constantFrom(
        "image" as const,
        "document" as const,
        "audio" as const,
        "video" as const,
      ),
      link: optional(fc.webUrl()),
      storedKey: optional(fc.constant("photos/a.jpg")),
      caption: optional(textNear(L.caption)),
    })
    .map(({ link, storedKey, caption, kind }) => ({
      _tag: "media" as const,
      kind,
      ...(link === undefined ? {} : { link }),
      ...(storedKey === undefined ? {} : { storedKey }),
      ...(caption === undefined ? {} : { caption }),
    })),
  textNear(L.locationRequestBody).map((body) => ({ _tag: "location_request" as const, body })),
)

const within = (max: number) => fc.string({ minLength: 1, maxLength: max })

/** Intents WhatsApp accepts, reaching every limit exactly now and then. */
export const arbitraryValidIntent: fc.Arbitrary<MessageIntent> = fc.oneof(
  within(L.textBody).map((body) => ({ _tag: "text" as const, body })),
  fc.record({
    _tag: fc.constant("buttons" as const),
    body: within(L.buttons.body),
    buttons: fc.array(fc.record({ id: within(L.buttons.id), title: within(L.buttons.title) }), {
      minLength: 1,
      maxLength: L.buttons.max,
    }),
  }),
  fc.record({
    _tag: fc.constant("list" as const),
    body: within(L.list.body),
    button: within(L.list.button),
    sections: fc.array(
      fc.record({
        title: within(L.list.sectionTitle),
        rows: fc.array(fc.record({ id: within(L.list.rowId), title: within(L.list.rowTitle) }), {
          minLength: 1,
          maxLength: 2,
        }),
      }),
      { minLength: 1, maxLength: 5 },
    ),
  }),
)
