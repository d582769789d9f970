import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { escapingControls, terminalSafe, writeFields, writeTable } from "./output.ts"

const buffer = () => {
  let text = ""
  return { out: { write: (t: string) => (text += t) }, text: () => text }
}

describe("tables", () => {
  it("aligns columns under their headers, numbers to the right, no trailing spaces", () => {
    const b = buffer()
    writeTable(
      b.out,
      [
        { name: "Thandi", score: 100 },
        { name: "Jo", score: 7 },
      ],
      [
        { header: "NAME", cell: (r) => r.name },
        { header: "SCORE", cell: (r) => String(r.score), align: "right" },
        { header: "NOTE", cell: () => "" },
      ],
      "none",
    )
    expect(b.text()).toBe("NAME    SCORE  NOTE\nThandi    100\nJo          7\n")
  })

  it("starts every header where its column starts, a wide number under a short header too", () => {
    const b = buffer()
    writeTable(
      b.out,
      [
        { reason: "lead_refund", change: "+10 credits" },
        { reason: "topup", change: "+50 credits" },
      ],
      [
        { header: "REASON", cell: (r) => r.reason },
        { header: "CHANGE", cell: (r) => r.change, align: "right" },
        { header: "FOR", cell: () => "x" },
      ],
      "none",
    )
    const [head, ...rows] = b.text().trimEnd().split("\n")
    expect(head).toBe("REASON       CHANGE       FOR")
    for (const row of rows) {
      expect(row.indexOf("+")).toBe(head!.indexOf("CHANGE"))
      expect(row.lastIndexOf("x")).toBe(head!.indexOf("FOR"))
    }
  })

  it("prints the empty message when there are no rows", () => {
    const b = buffer()
    writeTable(b.out, [], [{ header: "X", cell: () => "x" }], "no rows")
    expect(b.text()).toBe("no rows\n")
  })

  it("keeps user text on one line", () => {
    const b = buffer()
    writeFields(b.out, [
      ["reason", "first\nsecond"],
      ["id", "x"],
    ])
    expect(b.text()).toBe("reason:  first second\nid:      x\n")
  })
})

describe("terminalSafe", () => {
  const isControl = (c: number) =>
    (c < 0x20 && c !== 0x09 && c !== 0x0a) || (c >= 0x7f && c <= 0x9f)

  it("leaves no control character but line feed and tab, and shows each as \\xNN", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), (text) => {
        const safe = terminalSafe(text)
        expect([...safe].filter((ch) => isControl(ch.codePointAt(0)!))).toEqual([])
      }),
    )
  })

  it("shows a control character as \\x and its two hex digits, wherever it is", () => {
    const control = fc
      .integer({ min: 0, max: 0x9f })
      .filter(isControl)
      .map((c) => String.fromCodePoint(c))
    fc.assert(
      fc.property(fc.string(), control, fc.string(), (before, c, after) => {
        const hex = c.codePointAt(0)!.toString(16).padStart(2, "0")
        expect(terminalSafe(`${before}${c}${after}`)).toBe(
          `${terminalSafe(before)}\\x${hex}${terminalSafe(after)}`,
        )
      }),
    )
  })

  it("changes nothing in text without control characters", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 40 }), (text) => {
        fc.pre(![...text].some((ch) => isControl(ch.codePointAt(0)!)))
        expect(terminalSafe(text)).toBe(text)
      }),
    )
  })

  it("an escaping writer passes text on escaped", () => {
    let written = ""
    escapingControls({ write: (t) => (written += t) }).write("red \u001b[31mtext\u0007\n")
    expect(written).toBe("red \\x1b[31mtext\\x07\n")
  })
})
