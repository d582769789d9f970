import { describe, expect, it } from "vitest"
import { writeFields, writeTable } from "./output.ts"

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
