import { describe, expect, it } from "@effect/vitest"
import * as fc from "fast-check"
import { arbitraryIntent, arbitraryValidIntent } from "../testing/conversation.arbitraries.ts"
import { checkIntent, WhatsAppLimits as L } from "./intent.ops.ts"
import type { MessageIntent } from "./intent.ts"

/** Every [length or count, least, most] WhatsApp sets for an intent, listed independently. */
const bounds = (intent: MessageIntent): ReadonlyArray<readonly [number, number, number]> => {
  const len = (s: string | undefined) => s?.length ?? 0
  switch (intent._tag) {
    case "text":
      return [[intent.body.length, 1, L.textBody]]
    case "buttons":
      return [
        [intent.buttons.length, 1, L.buttons.max],
        [intent.body.length, 1, L.buttons.body],
        [len(intent.header), 0, L.buttons.header],
        [len(intent.footer), 0, L.buttons.footer],
        ...intent.buttons.flatMap((b) => [
          [b.title.length, 1, L.buttons.title] as const,
          [b.id.length, 1, L.buttons.id] as const,
        ]),
      ]
    case "list":
      return [
        [intent.sections.length, 1, L.list.sections],
        [intent.sections.flatMap((s) => s.rows).length, 0, L.list.rows],
        [intent.button.length, 1, L.list.button],
        [intent.body.length, 1, L.list.body],
        [len(intent.header), 0, L.list.header],
        [len(intent.footer), 0, L.list.footer],
        ...intent.sections.flatMap((s) => [
          [len(s.title), intent.sections.length > 1 ? 1 : 0, L.list.sectionTitle] as const,
          [s.rows.length, 1, Number.POSITIVE_INFINITY] as const,
          ...s.rows.flatMap((r) => [
            [r.title.length, 1, L.list.rowTitle] as const,
            [r.id.length, 1, L.list.rowId] as const,
            [len(r.description), 0, L.list.rowDescription] as const,
          ]),
        ]),
      ]
    case "media":
      return [
        [(intent.link ? 1 : 0) + (intent.storedKey ? 1 : 0), 1, 2],
        [len(intent.caption), 0, L.caption],
      ]
    case "template":
      return []
    case "location_request":
      return [[intent.body.length, 1, L.locationRequestBody]]
  }
}

const withinLimits = (intent: MessageIntent) =>
  bounds(intent).every(([value, least, most]) => value >= least && value <= most)

describe("checkIntent", () => {
  it("accepts an intent exactly when it respects every WhatsApp limit", () => {
    fc.assert(
      fc.property(arbitraryIntent, (intent) => {
        expect(checkIntent(intent)._tag === "Success").toBe(withinLimits(intent))
      }),
      { numRuns: 500 },
    )
  })

  it("accepts the generated valid intents (the generator reaches the limits)", () => {
    fc.assert(
      fc.property(arbitraryValidIntent, (intent) => {
        expect(checkIntent(intent)._tag).toBe("Success")
      }),
    )
  })

  it("names the field, bound and limit of a breach", () => {
    const breaches: ReadonlyArray<readonly [MessageIntent, string, number]> = [
      [{ _tag: "text", body: "x".repeat(L.textBody + 1) }, "body", L.textBody],
      [
        {
          _tag: "buttons",
          body: "b",
          buttons: [1, 2, 3, 4].map((n) => ({ id: `${n}`, title: "t" })),
        },
        "buttons",
        L.buttons.max,
      ],
      [
        { _tag: "buttons", body: "b", buttons: [{ id: "a", title: "x".repeat(21) }] },
        "buttons[0].title",
        L.buttons.title,
      ],
      [
        {
          _tag: "list",
          body: "b",
          button: "go",
          sections: [{ rows: [{ id: "r", title: "t", description: "d".repeat(73) }] }],
        },
        "sections[0].rows[0].description",
        L.list.rowDescription,
      ],
      [
        {
          _tag: "list",
          body: "b",
          button: "go",
          sections: [{ rows: Array.from({ length: 11 }, (_, i) => ({ id: `${i}`, title: "t" })) }],
        },
        "rows",
        L.list.rows,
      ],
    ]
    for (const [intent, field, limit] of breaches) {
      const checked = checkIntent(intent)
      expect(checked._tag).toBe("Failure")
      if (checked._tag === "Failure") {
        expect(checked.failure).toMatchObject({ field, bound: "at most", limit })
        expect(checked.failure.message).toContain(field)
      }
    }
  })

  it("a breach always names a field of the intent and a limit the value is outside of", () => {
    fc.assert(
      fc.property(arbitraryIntent, (intent) => {
        const checked = checkIntent(intent)
        if (checked._tag === "Success") return
        const { bound, limit, actual, field } = checked.failure
        expect(field.length).toBeGreaterThan(0)
        expect(bound === "at most" ? actual > limit : actual < limit).toBe(true)
      }),
      { numRuns: 300 },
    )
  })
})
