import { Result } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { checkIntent } from "../../conversation/domain/intent.ops.ts"
import type { MessageIntent, TemplateIntent } from "../../conversation/domain/intent.ts"
import type { Instant } from "../../shared/time.ts"
import {
  arbOutboxMessage,
  arbStoredIntent,
  arbTemplateIntent,
} from "../testing/outbox.arbitraries.ts"
import {
  customerServiceWindowMs,
  planWhatsAppSend,
  type RecipientSession,
  windowOpen,
  writableFor,
} from "./whatsapp-send.ops.ts"

const at = (ms: number) => ms as Instant
const arbNow = fc.integer({ min: 2 * customerServiceWindowMs, max: 4_102_444_800_000 }).map(at)

/** A recipient seen `ago` ms before now (negative: a clock a little ahead), or never. */
const arbSession = (now: Instant, optedOut: fc.Arbitrary<boolean> = fc.boolean()) =>
  fc.option(
    fc.record(
      {
        optedOut,
        lastInboundAt: fc
          .integer({ min: -60_000, max: 3 * customerServiceWindowMs })
          .map((ago) => at(now - ago)),
      },
      { requiredKeys: ["optedOut"] },
    ),
    { nil: undefined },
  )

const arbMessage = fc.record(
  {
    template: fc.constantFrom("lead.offered", "application.approved", "conversation.stopped"),
    body: fc.string({ maxLength: 200 }),
    intent: arbStoredIntent,
    fallbackTemplate: arbTemplateIntent,
  },
  { requiredKeys: ["template", "body"] },
)

const arbCase = arbNow.chain((now) => fc.tuple(fc.constant(now), arbSession(now), arbMessage))

describe("planWhatsAppSend", () => {
  it("sends only what the rules allow, always within WhatsApp's limits", () => {
    fc.assert(
      fc.property(arbCase, ([now, session, message]) => {
        const plan = planWhatsAppSend(message, session, now)
        if (Result.isFailure(plan)) {
          expect(plan.failure.permanent).toBe(true)
          return
        }
        const sent = plan.success
        expect(Result.isSuccess(checkIntent(sent))).toBe(true)
        if (session?.optedOut === true) expect(message.template).toBe("conversation.stopped")
        const wanted: MessageIntent = message.intent ?? { _tag: "text", body: message.body }
        if (windowOpen(session, now)) expect(sent).toEqual(wanted)
        else expect(sent._tag).toBe("template")
      }),
    )
  })

  it("refuses everything but the stop confirmation to someone who opted out", () => {
    fc.assert(
      fc.property(
        arbNow.chain((now) =>
          fc.tuple(fc.constant(now), arbSession(now, fc.constant(true)), arbMessage),
        ),
        ([now, session, message]) => {
          fc.pre(session !== undefined && message.template !== "conversation.stopped")
          const plan = planWhatsAppSend(message, session, now)
          expect(Result.isFailure(plan)).toBe(true)
          if (Result.isFailure(plan)) expect(plan.failure.detail).toContain("opted out")
        },
      ),
    )
  })

  it("inside the window sends the intent, or the body as text", () => {
    fc.assert(
      fc.property(
        arbNow,
        fc.integer({ min: 0, max: customerServiceWindowMs - 1 }),
        fc.string({ minLength: 1, maxLength: 200 }),
        (now, ago, body) => {
          const session: RecipientSession = { optedOut: false, lastInboundAt: at(now - ago) }
          const plan = planWhatsAppSend({ template: "x", body }, session, now)
          expect(plan).toEqual(Result.succeed({ _tag: "text", body }))
        },
      ),
    )
  })

  it("outside the window sends the fallback template, or fails with 131047 without one", () => {
    fc.assert(
      fc.property(
        arbNow,
        fc.option(fc.integer({ min: customerServiceWindowMs, max: 10 * customerServiceWindowMs }), {
          nil: undefined,
        }),
        arbTemplateIntent,
        (now, ago, fallback: TemplateIntent) => {
          const session: RecipientSession | undefined =
            ago === undefined ? undefined : { optedOut: false, lastInboundAt: at(now - ago) }
          const message = {
            template: "lead.offered",
            body: "a new lead",
            intent: { _tag: "text" as const, body: "a new lead" },
          }
          expect(
            planWhatsAppSend({ ...message, fallbackTemplate: fallback }, session, now),
          ).toEqual(Result.succeed(fallback))
          const refused = planWhatsAppSend(message, session, now)
          expect(Result.isFailure(refused) && refused.failure.code).toBe(131047)
        },
      ),
    )
  })

  it("the window closes exactly 24 hours after the last message", () => {
    fc.assert(
      fc.property(arbNow, (now) => {
        const wrote = (ago: number): RecipientSession => ({
          optedOut: false,
          lastInboundAt: at(now - ago),
        })
        expect(windowOpen(wrote(customerServiceWindowMs - 1), now)).toBe(true)
        expect(windowOpen(wrote(customerServiceWindowMs), now)).toBe(false)
        expect(windowOpen({ optedOut: false }, now)).toBe(false)
        expect(windowOpen(undefined, now)).toBe(false)
      }),
    )
  })

  it("refuses an intent over the limits, naming the field", () => {
    const session: RecipientSession = { optedOut: false, lastInboundAt: at(0) }
    const buttons = ["a", "b", "c", "d"].map((id) => ({ id, title: id }))
    const plan = planWhatsAppSend(
      { template: "x", body: "pick", intent: { _tag: "buttons", body: "pick", buttons } },
      session,
      at(1_000),
    )
    expect(Result.isFailure(plan) && plan.failure.detail).toContain("buttons must be at most 3")
    expect(Result.isFailure(plan) && plan.failure.permanent).toBe(true)
  })
})

describe("writableFor: what the outbox is not given", () => {
  const arbWritten = fc.record({
    message: arbOutboxMessage,
    template: fc.constantFrom("lead.offered", "request.unfulfilled", "conversation.stopped"),
    optedOut: fc.boolean(),
  })

  it("leaves out exactly the WhatsApp messages the sender would refuse as opted out", () => {
    fc.assert(
      fc.property(arbWritten, arbNow, ({ message: m, template, optedOut }, now) => {
        const message = { ...m, template }
        const written = writableFor(message, (phone) => optedOut && phone === message.to)
        if (message.channel !== "whatsapp") {
          expect(written).toBe(true)
          return
        }
        const plan = planWhatsAppSend(message, { optedOut, lastInboundAt: now }, now)
        const refusedAsOptedOut =
          Result.isFailure(plan) && plan.failure.detail.includes("opted out")
        expect(written).toBe(!refusedAsOptedOut)
      }),
    )
  })

  it("asks about the message's own number only", () => {
    fc.assert(
      fc.property(arbOutboxMessage, (message) => {
        expect(writableFor(message, (phone) => phone !== message.to)).toBe(true)
      }),
    )
  })
})
