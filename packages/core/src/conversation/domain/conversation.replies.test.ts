import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { TimeWindow } from "../../dispatch/domain/service-request.ts"
import { arbOffer } from "../../dispatch/testing/offer-repository.arbitraries.ts"
import { arbServiceRequest } from "../../dispatch/testing/request-repository.arbitraries.ts"
import type { PartyId } from "../../shared/ids.ts"
import { arbFixedZone, localClockByHand } from "../../shared/testing/shared.arbitraries.ts"
import { showWindow } from "./availability.ops.ts"
import {
  howToAnswer,
  type JobLine,
  offerStatus,
  requestStatus,
  timesRejected,
} from "./conversation.replies.ts"

describe("timesRejected", () => {
  it("follows dispatch's decision: never promises another provider to a request given up on", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.constant({ _tag: "Unfulfilled" as const }),
          fc.nat(5).map((live) => ({ _tag: "Wait" as const, live })),
          fc
            .array(fc.constant("pty_1" as PartyId), { minLength: 1, maxLength: 3 })
            .map((providerIds) => ({ _tag: "Offer" as const, providerIds })),
        ),
        (decision) => {
          const reply = timesRejected(decision)
          const body = reply.intent._tag === "text" ? reply.intent.body : ""
          expect(body).toContain("none of those times")
          expect(body.includes("stopped looking")).toBe(decision._tag === "Unfulfilled")
          expect(body.includes("another provider")).toBe(decision._tag === "Offer")
          expect(body.includes("Other providers still")).toBe(
            decision._tag === "Wait" && decision.live > 0,
          )
        },
      ),
    )
  })
})

describe("status replies", () => {
  it("date each request on the marketplace's calendar, not UTC's", () => {
    fc.assert(
      fc.property(
        fc.array(arbServiceRequest(), { minLength: 1, maxLength: 5 }),
        arbFixedZone,
        (requests, { zone, offsetMinutes }) => {
          const reply = requestStatus(requests, zone)
          const body = reply.intent._tag === "text" ? reply.intent.body : ""
          const lines = body.split("\n").slice(1)
          const waiting = requests.filter((r) => r.state === "needs_clarification")
          // One line per request, then how to answer when a question waits for one.
          expect(lines).toHaveLength(requests.length + (waiting.length === 0 ? 0 : 1))
          requests.forEach((r, i) => {
            expect(lines[i]).toContain(`(${localClockByHand(r.createdAt, offsetMinutes).day})`)
            if (r.state === "needs_clarification" && r.clarificationQuestion !== undefined) {
              // The question is repeated, on its one line.
              expect(lines[i]).toContain(r.clarificationQuestion.replace(/\s+/gu, " ").trim())
            }
          })
          if (waiting.length > 0) expect(lines.at(-1)).toBe(howToAnswer(waiting.length))
          expect(body).not.toMatch(/\d{4}-\d{2}-\d{2}/)
        },
      ),
    )
  })

  it("a request made at 23:30 UTC on 1 March is dated 2 March in Johannesburg", () => {
    const at = Date.UTC(2026, 2, 1, 23, 30)
    const request = fc.sample(arbServiceRequest(), { numRuns: 1, seed: 1 })[0]!
    const reply = requestStatus(
      [{ ...request, category: "plumbing", state: "dispatching", createdAt: at as never }],
      "Africa/Johannesburg",
    )
    expect(reply.intent._tag === "text" ? reply.intent.body : "").toBe(
      "Your open requests (1):\n- plumbing (2 March 2026): offered to providers",
    )
  })
})

describe("offerStatus", () => {
  const arbJob: fc.Arbitrary<JobLine> = fc.record(
    {
      about: fc.constantFrom("plumbing in soweto", "electrical in alex"),
      since: fc.integer({ min: 946_684_800_000, max: 4_102_444_800_000 }),
      agreed: fc
        .integer({ min: 946_684_800_000, max: 4_102_444_800_000 })
        .map((start) => ({ start, end: start + 7_200_000 }) as TimeWindow),
    },
    { requiredKeys: ["about", "since"] },
  )

  it("lists the jobs a provider holds apart from their open leads, on the local clock, and says how many it left out", () => {
    fc.assert(
      fc.property(
        fc.array(
          arbOffer().map((offer) => ({ offer, about: "plumbing in soweto" })),
          {
            maxLength: 4,
          },
        ),
        fc.array(arbJob, { maxLength: 4 }),
        fc.record({ leads: fc.nat(30), jobs: fc.nat(30) }),
        arbFixedZone,
        (leads, jobs, notListed, { zone, offsetMinutes }) => {
          const reply = offerStatus(leads, jobs, zone, notListed)
          const body = reply.intent._tag === "text" ? reply.intent.body : ""
          const lines = body.split("\n")
          const allJobs = jobs.length + notListed.jobs
          const allLeads = leads.length + notListed.leads
          expect(body.includes(`Your jobs (${allJobs}):`)).toBe(allJobs > 0)
          expect(body.includes(`Your open leads (${allLeads}):`)).toBe(allLeads > 0)
          expect(body.includes("You have no open leads")).toBe(allLeads === 0)
          const moreJobs = lines.filter((l) => l.includes("handover message"))
          const moreLeads = lines.filter((l) => l.includes("lead message"))
          expect(moreJobs).toEqual(
            notListed.jobs === 0 ? [] : [expect.stringContaining(`…and ${notListed.jobs} older`)],
          )
          expect(moreLeads).toEqual(
            notListed.leads === 0 ? [] : [expect.stringContaining(`…and ${notListed.leads} older`)],
          )
          expect(lines).toHaveLength(
            (allJobs === 0 ? 0 : 1 + jobs.length + moreJobs.length) +
              (allLeads === 0 ? 1 : 1 + leads.length + moreLeads.length),
          )
          jobs.forEach((job, i) => {
            const line = lines[1 + i]!
            expect(line).toContain(job.about)
            if (job.agreed === undefined) {
              expect(line).toContain(localClockByHand(job.since, offsetMinutes).day)
            } else {
              expect(line).toContain(`booked for ${showWindow(job.agreed, zone)}`)
            }
          })
          expect(body).not.toMatch(/\d{4}-\d{2}-\d{2}/)
        },
      ),
    )
  })
})
