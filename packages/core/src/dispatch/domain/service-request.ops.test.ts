import { Result } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { arbInstant } from "../../shared/testing/shared.arbitraries.ts"
import type { Instant } from "../../shared/time.ts"
import {
  arbAvailability,
  arbRequestCommand,
  arbServiceRequest,
} from "../testing/request-repository.arbitraries.ts"
import {
  checkAvailability,
  requestStates,
  requestStatesAccepting,
  requestTarget,
  transitionRequest,
} from "./service-request.ops.ts"
import { requestTransitions } from "./service-request.transitions.ts"
import type { ServiceRequest } from "./service-request.ts"

describe("transitionRequest", () => {
  it("moves exactly where the table says, or refuses naming the states that would work", () => {
    fc.assert(
      fc.property(arbServiceRequest(), arbRequestCommand, arbInstant, (request, command, now) => {
        const target = requestTransitions[request.state][command._tag]
        const result = transitionRequest(request, command, now)
        if (target === undefined) {
          expect(Result.isFailure(result)).toBe(true)
          const error = Result.getFailure(result)
          if (error._tag === "Some") {
            expect(error.value.entity).toBe("request")
            expect(error.value.from).toBe(request.state)
            expect(error.value.allowedFrom).toEqual(requestStatesAccepting(command._tag))
            expect(error.value.allowedFrom).not.toContain(request.state)
          }
          return
        }
        const [after, events] = Result.getOrThrow(result)
        expect(after.state).toBe(target)
        expect(after.updatedAt).toBe(now)
        expect(after.id).toBe(request.id)
        expect(after.customerId).toBe(request.customerId)
        expect(events).toHaveLength(1)
        expect(events[0]?.requestId).toBe(request.id)
      }),
    )
  })

  it("no command sequence reaches a state the table does not allow", () => {
    fc.assert(
      fc.property(
        arbServiceRequest({ state: "submitted" }),
        fc.array(arbRequestCommand, { maxLength: 30 }),
        (start, commands) => {
          let request: ServiceRequest = start
          for (const [i, command] of commands.entries()) {
            const result = transitionRequest(request, command, (start.createdAt + i) as Instant)
            if (Result.isSuccess(result)) {
              const next = result.success[0]
              expect(requestTarget(request.state, command._tag)).toBe(next.state)
              request = next
            } else {
              expect(requestTarget(request.state, command._tag)).toBeUndefined()
            }
          }
          expect(requestStates).toContain(request.state)
        },
      ),
    )
  })

  it("keeps the question only while the homeowner owes an answer, and the reason once cancelled", () => {
    fc.assert(
      fc.property(arbServiceRequest(), arbRequestCommand, arbInstant, (request, command, now) => {
        const result = transitionRequest(request, command, now)
        if (Result.isFailure(result)) return
        const after = result.success[0]
        if (command._tag === "AskClarification") {
          expect(after.clarificationQuestion).toBe(command.question)
        }
        if (command._tag === "Answer") expect(after.clarificationQuestion).toBeUndefined()
        if (command._tag === "Cancel") {
          expect(after.cancellationReason).toBe(command.reason)
          expect(result.success[1][0]).toMatchObject({ byCustomer: command.byCustomer })
        }
        if (command._tag === "Assign") expect(after.assignedProviderId).toBe(command.providerId)
      }),
    )
  })

  it("assigned, unfulfilled and cancelled are final", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("assigned" as const, "unfulfilled" as const, "cancelled" as const),
        arbRequestCommand,
        arbInstant,
        (state, command, now) => {
          const request = fc.sample(arbServiceRequest({ state }), 1)[0]!
          expect(Result.isFailure(transitionRequest(request, command, now))).toBe(true)
        },
      ),
      { numRuns: 30 },
    )
  })
})

describe("checkAvailability", () => {
  it("accepts now, and 1 to 5 windows that end after they start and after now", () => {
    fc.assert(
      fc.property(arbAvailability, arbInstant, (availability, now) => {
        const ok = Result.isSuccess(checkAvailability(availability, now))
        const expected =
          availability._tag === "now" ||
          (availability.windows.length >= 1 &&
            availability.windows.length <= 5 &&
            availability.windows.every((w) => w.end > w.start && w.end > now))
        expect(ok).toBe(expected)
      }),
    )
  })

  it("names the window at fault", () => {
    const now = 1_000_000 as Instant
    const result = checkAvailability(
      {
        _tag: "windows",
        windows: [
          { start: 2_000_000 as Instant, end: 3_000_000 as Instant },
          { start: 5_000 as Instant, end: 9_000 as Instant },
          { start: 4_000_000 as Instant, end: 4_000_000 as Instant },
        ],
      },
      now,
    )
    expect(
      Result.getFailure(result).pipe((o) => (o._tag === "Some" ? o.value.issues : [])),
    ).toEqual([
      { path: "availability.windows[1].end", message: "must be in the future" },
      { path: "availability.windows[2].end", message: "must be after start" },
    ])
  })

  it("refuses more than five windows and none at all", () => {
    const w = { start: 2 as Instant, end: 3 as Instant }
    expect(
      Result.isFailure(checkAvailability({ _tag: "windows", windows: [] }, 1 as Instant)),
    ).toBe(true)
    expect(
      Result.isFailure(
        checkAvailability({ _tag: "windows", windows: [w, w, w, w, w, w] }, 1 as Instant),
      ),
    ).toBe(true)
    expect(
      Result.isSuccess(
        checkAvailability({ _tag: "windows", windows: [w, w, w, w, w] }, 1 as Instant),
      ),
    ).toBe(true)
  })
})
