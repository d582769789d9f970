import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { type Harness, json, makeHarness } from "../testing/cli-harness.ts"

interface ReachDoc {
  readonly providerId: string
  readonly base?: { readonly point: { lat: number; lng: number }; readonly radiusKm: number }
  readonly availability: { _tag: string; windows?: ReadonlyArray<{ start: number; end: number }> }
  readonly maxOpenAssignments: number
}

let h: Harness
beforeEach(() => {
  h = makeHarness()
})
afterEach(() => h.dispose())

const as = ["--as", "alice"]
const why = ["--reason", "provider phoned in their hours"]

describe("fundi ops providers reach", () => {
  it("sets base, radius, hours and capacity; show prints them; unset parts keep their value", async () => {
    const { partyId } = await h.applicant("+27821234567", "Sipho")
    const before = json<{ reach: { published: boolean; reach: ReachDoc } }>(
      await h.cli(["ops", "providers", "show", partyId, ...as, "--json"]),
    )
    expect(before.reach).toMatchObject({ published: false, reach: { maxOpenAssignments: 3 } })

    const set = await h.cli([
      ...["ops", "providers", "reach", partyId, "--base", "-26.2041,28.0473"],
      ...["--radius-km", "15", "--capacity", "4", "--window"],
      ...["2026-11-20T08:00:00Z/2026-11-20T17:00:00Z", ...why, ...as, "--json"],
    ])
    expect(set.code).toBe(0)
    expect(json<{ reach: ReachDoc }>(set).reach).toEqual({
      providerId: partyId,
      base: { point: { lat: -26.2041, lng: 28.0473 }, radiusKm: 15 },
      availability: {
        _tag: "windows",
        windows: [
          { start: Date.parse("2026-11-20T08:00:00Z"), end: Date.parse("2026-11-20T17:00:00Z") },
        ],
      },
      maxOpenAssignments: 4,
    })

    const again = await h.cli(["ops", "providers", "reach", partyId, "--always", ...why, ...as])
    expect(again.code).toBe(0)
    expect(again.stdout).toContain("within 15 km; available any time; up to 4 jobs at once")

    const shown = await h.cli(["ops", "providers", "show", partyId, ...as])
    expect(shown.stdout).toMatch(/reach:\s+base -26\.2041,28\.0473 within 15 km/)

    const audit = json<{ entries: ReadonlyArray<{ action: string; reason: string | null }> }>(
      await h.cli(["ops", "audit", "--subject", partyId, ...as, "--json"]),
    )
    expect(audit.entries.filter((e) => e.action === "provider.reach")).toHaveLength(2)
  })

  it("bad values are refused by field, with no stack trace; a reason is required", async () => {
    const { partyId } = await h.applicant("+27821234567", "Sipho")
    const far = await h.cli([
      ...["ops", "providers", "reach", partyId, "--base", "-26.2,28.0", "--radius-km", "9000"],
      ...why,
      ...as,
    ])
    expect(far.code).not.toBe(0)
    expect(far.stderr).toBe("error: --radius-km: Expected a value between 0 and 500\n")
    expect(far.stderr).not.toMatch(/\n\s+at /)

    const backwards = await h.cli([
      ...["ops", "providers", "reach", partyId, "--window"],
      ...["2026-11-20T17:00:00Z/2026-11-20T08:00:00Z", ...why, ...as],
    ])
    expect(backwards.code).not.toBe(0)
    expect(backwards.stderr).toBe("error: --window #1: must end after it starts\n")

    const reach = (...args: ReadonlyArray<string>) =>
      h.cli(["ops", "providers", "reach", partyId, ...args, ...why, ...as])
    const radiusAlone = await reach("--radius-km", "5")
    expect(radiusAlone.code).toBe(2)
    expect(radiusAlone.stderr).toContain("--radius-km needs --base LAT,LNG")
    const notAPoint = await reach("--base", "north", "--radius-km", "5")
    expect(notAPoint.code).toBe(2)
    expect(notAPoint.stderr).toContain("--base")
    expect(notAPoint.stderr).toContain("must be LAT,LNG")
    const notAWindow = await reach("--window", "mornings")
    expect(notAWindow.code).toBe(2)
    expect(notAWindow.stderr).toContain("must be FROM/TO as ISO times")
    expect(
      json<{ reach: { published: boolean } }>(
        await h.cli(["ops", "providers", "show", partyId, ...as, "--json"]),
      ).reach.published,
    ).toBe(false)

    const unexplained = await h.cli(["ops", "providers", "reach", partyId, "--always", ...as])
    expect(unexplained.code).not.toBe(0)
    expect(unexplained.stderr).toContain("--reason")
  })
})
