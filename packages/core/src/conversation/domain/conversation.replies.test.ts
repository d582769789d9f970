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
  requestLabels,
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
          const replies = timesRejected(decision)
          // Dispatch gave up: the unfulfilled notice is the one message, so no reply here.
          expect(replies.length).toBe(decision._tag === "Unfulfilled" ? 0 : 1)
          if (replies.length === 0) return
          const reply = replies[0]!
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
          const labels = requestLabels(requests, zone)
          requests.forEach((r, i) => {
            expect(lines[i]!.startsWith(`- ${labels[i]}: `)).toBe(true)
            // The day asked; with the time too when another request shares trade and day.
            expect(lines[i]).toContain(`(${localClockByHand(r.createdAt, offsetMinutes).day}`)
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

  it("no two requests read alike: the day, then the time, then their words, then their place", () => {
    const MONDAY = Date.UTC(2026, 2, 2, 7)
    // Few trades, days, minutes and words, so that look-alikes are common.
    const arbLookAlike = fc.record({
      request: arbServiceRequest(),
      category: fc.constantFrom("plumbing", "electrical"),
      createdAt: fc.constantFrom(0, 20_000, 3_600_000, 86_400_000).map((d) => MONDAY + d),
      description: fc.constantFrom("Geyser leaks", "Geyser   leaks ", "No power in the kitchen"),
    })
    fc.assert(
      fc.property(
        fc.uniqueArray(arbLookAlike, { maxLength: 8, selector: (l) => l.request.id }),
        arbFixedZone,
        (lookAlikes, { zone, offsetMinutes }) => {
          const requests = lookAlikes.map(({ request, category, createdAt, description }) => ({
            ...request,
            category,
            createdAt: createdAt as never,
            description,
          }))
          const labels = requestLabels(requests, zone)
          expect(new Set(labels).size).toBe(requests.length)
          requests.forEach((r, i) => {
            const clock = localClockByHand(r.createdAt, offsetMinutes)
            const sameDay = requests.filter(
              (o) =>
                o.category === r.category &&
                localClockByHand(o.createdAt, offsetMinutes).day === clock.day,
            )
            // The usual line stays short: the time only where trade and day are shared.
            expect(labels[i]).toEqual(
              sameDay.length === 1
                ? `${r.category} (${clock.day})`
                : expect.stringMatching(new RegExp(`^${r.category} \\(${clock.dateTime}\\)`)),
            )
            const words = (d: string) => d.replace(/\s+/gu, " ").trim()
            const sameMinute = sameDay.filter(
              (o) => localClockByHand(o.createdAt, offsetMinutes).dateTime === clock.dateTime,
            )
            const ownWords = sameMinute.filter((o) => words(o.description) === words(r.description))
            if (sameMinute.length > 1) {
              // Their own words next, then their place among those that still read alike.
              expect(labels[i]).toContain(`"${words(r.description)}"`)
              expect(/\(\d of \d\)$/u.test(labels[i]!)).toBe(ownWords.length > 1)
            }
          })
        },
      ),
    )
  })

  it("two plumbing requests asked the same day are told apart by the time asked", () => {
    const [a, b] = fc.sample(arbServiceRequest({ state: "dispatching" }), { numRuns: 2, seed: 7 })
    const at = (hour: number) => Date.UTC(2026, 2, 2, hour) as never
    const reply = requestStatus(
      [
        { ...a!, category: "plumbing", createdAt: at(7) },
        { ...b!, category: "plumbing", createdAt: at(12), state: "dispatching" },
      ],
      "Africa/Johannesburg",
    )
    expect(reply.intent._tag === "text" ? reply.intent.body : "").toBe(
      [
        "Your open requests (2):",
        "- plumbing (2 March 2026, 09:00): offered to providers",
        "- plumbing (2 March 2026, 14:00): offered to providers",
      ].join("\n"),
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
