import fc from "fast-check"
import { afterAll, describe, expect, it } from "vitest"
import { bodyOf, makeTestApi } from "../test-support.ts"

// One API for the whole property: parties pile up across runs, so duplicates (409) happen.
const api = makeTestApi()
afterAll(() => api.dispose())

const phone = fc.constantFrom(
  "+27821234567",
  "+27821234568",
  "+2348012345678",
  "+27 82 123 4567",
  "0027821234567",
  "12",
  "",
)

/** Bodies close to valid, so the property reaches 201 and 409 as well as 400. */
const nearlyValid = fc.record(
  {
    kind: fc.constantFrom("customer", "provider", "plumber"),
    phone: fc.oneof(phone, fc.string()),
    cohort: fc.constantFrom("live", "test", "prod"),
    channel: fc.constantFrom("whatsapp", "web", "api", "ops", "fax"),
    profile: fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          displayName: fc.string({ maxLength: 100 }),
          email: fc.oneof(fc.constant("a@b.co"), fc.string()),
          categories: fc.array(fc.oneof(fc.constant("plumbing"), fc.string())),
          serviceAreas: fc.array(fc.string({ maxLength: 45 })),
          experienceYears: fc.oneof(fc.integer({ min: -5, max: 100 }), fc.double()),
          documents: fc.jsonValue(),
        },
        { requiredKeys: [] },
      ),
    ),
    unexpected: fc.jsonValue(),
  },
  { requiredKeys: [] },
)

/** Valid sign-ups over a few phones: the first of each is 201, later ones 409. */
const valid = fc.record(
  {
    kind: fc.constantFrom("customer", "provider"),
    phone: fc.constantFrom("+27821234567", "+27821234568", "+2348012345678", "+254712345678"),
    cohort: fc.constantFrom("live", "test"),
    profile: fc.record(
      {
        displayName: fc.string({ minLength: 1, maxLength: 80 }),
        categories: fc.constant(["plumbing"]),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ["kind", "phone"] },
)

describe("POST /api/v1/parties with any JSON", () => {
  it("answers 201, 400 or 409, never 5xx, and writes only on 201", async () => {
    const seen = new Set<number>()
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue(), nearlyValid, valid), async (json) => {
        const before = await api.partyCount()
        const res = await api.request("POST", "/api/v1/parties", { json })
        const body = await bodyOf(res)
        expect([201, 400, 409]).toContain(res.status)
        seen.add(res.status)
        expect(typeof body.error === "string" || res.status === 201).toBe(true)
        if (res.status === 400)
          expect(Array.isArray(body.issues) && body.issues.length > 0).toBe(true)
        expect(await api.partyCount()).toBe(res.status === 201 ? before + 1 : before)
      }),
      { numRuns: 300 },
    )
    expect(api.logged).toEqual([])
    // The generators must reach every outcome, or the property proves less than it says.
    expect([...seen].sort()).toEqual([201, 400, 409])
  })
})
