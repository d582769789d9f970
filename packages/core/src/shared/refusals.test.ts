import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { OfferTransitionNotAllowed } from "../dispatch/domain/dispatch.errors.ts"
import { RefundAlreadyDecided } from "../dispatch/domain/lead-refund.errors.ts"
import * as core from "../index.ts"
import { TransitionNotAllowed } from "../vetting/domain/vetting.errors.ts"
import { commandPhrase, commandPhrases, entityNouns, type RefusalEntity } from "./refusals.ts"

type Table = Readonly<Record<string, Readonly<Record<string, unknown>>>>

/** Which state machine each refusal entity is; the tables themselves say the commands. */
const machines: { readonly [E in RefusalEntity]: Table } = {
  application: core.applicationTransitions,
  party: core.statusTransitions,
  top_up: core.topUpTransitions,
  request: core.requestTransitions,
  subscription: core.subscriptionTransitions,
  offer: core.offerTransitions,
  lead_refund: core.leadRefundTransitions,
}
const entities = Object.keys(machines) as ReadonlyArray<RefusalEntity>

const commandsOf = (table: Table): ReadonlyArray<string> => [
  ...new Set(Object.values(table).flatMap((commands) => Object.keys(commands))),
]
const statesAccepting = (table: Table, command: string): ReadonlyArray<string> =>
  Object.keys(table).filter((state) => Object.hasOwn(table[state]!, command))

/** The refusal each machine's rules really raise, built from the table's own names. */
const refusal = (
  entity: RefusalEntity,
  id: string,
  from: string,
  command: string,
): { readonly message: string } => {
  const allowedFrom = statesAccepting(machines[entity], command)
  switch (entity) {
    case "offer":
      return new OfferTransitionNotAllowed({ offerId: id, from, command, allowedFrom })
    case "lead_refund":
      return new RefundAlreadyDecided({
        refundId: id,
        state: from,
        command: command as "Approve" | "Reject",
      })
    default:
      return new TransitionNotAllowed({ entity, id, from, command, allowedFrom })
  }
}

describe("command phrases", () => {
  it("cover every state machine core exports: a new transitions table needs an entry here", () => {
    const exported = Object.entries(core)
      .filter(([name]) => name.endsWith("Transitions"))
      .map(([, table]) => table)
    expect(exported.length).toBeGreaterThan(0)
    for (const table of exported) expect(Object.values(machines)).toContain(table)
  })

  it("name every command of every transitions table, and no command the table lacks", () => {
    for (const entity of entities) {
      const commands = commandsOf(machines[entity])
      const missing = commands.filter((c) => commandPhrase(entity, c) === undefined)
      expect({ entity, missing }).toEqual({ entity, missing: [] })
      expect(Object.keys(commandPhrases[entity]).sort()).toEqual([...commands].sort())
    }
  })

  it("a refusal says what was tried on what, its state and the states that allow it, never the tag", () => {
    const arbCase = fc.constantFrom(...entities).chain((entity) => {
      const table = machines[entity]
      return fc.record({
        entity: fc.constant(entity),
        command: fc.constantFrom(...commandsOf(table)),
        from: fc.constantFrom(...Object.keys(table)),
        id: fc.stringMatching(/^[a-z]{3}_[0-9a-z]{1,20}$/),
      })
    })
    fc.assert(
      fc.property(arbCase, ({ entity, command, from, id }) => {
        const { message } = refusal(entity, id, from, command)
        const phrase = commandPhrase(entity, command)!
        const subject = `${entityNouns[entity]} ${id}`
        expect(message).toContain(`cannot ${phrase.attempt(subject)}: it is ${from};`)
        expect(phrase.attempt(subject)).toContain(subject)
        for (const state of statesAccepting(machines[entity], command)) {
          expect(message).toContain(state)
        }
        expect(message).not.toMatch(new RegExp(`\\b${command}\\b`))
      }),
    )
  })

  it("reads as a sentence: dispatching an assigned request", () => {
    expect(
      new TransitionNotAllowed({
        entity: "request",
        id: "req_1",
        from: "assigned",
        command: "StartDispatch",
        allowedFrom: ["ready", "dispatching"],
      }).message,
    ).toBe(
      "cannot dispatch request req_1: it is assigned; dispatch needs the request to be ready or dispatching",
    )
    expect(
      new TransitionNotAllowed({
        entity: "request",
        id: "req_1",
        from: "assigned",
        command: "Cancel",
        allowedFrom: ["submitted", "needs_clarification", "ready", "dispatching"],
      }).message,
    ).toBe(
      "cannot cancel request req_1: it is assigned; cancelling needs the request to be submitted, needs_clarification, ready or dispatching",
    )
  })
})
