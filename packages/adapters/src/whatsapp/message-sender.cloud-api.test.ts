import { afterAll, beforeAll, beforeEach, describe, expect, it } from "@effect/vitest"
import {
  type DeliveryFailed,
  isPermanentWhatsAppError,
  type MessageId,
  type MessageIntent,
  type OutboxMessage,
} from "@fundi/core"
import { Effect, Fiber, Redacted } from "effect"
import { TestClock } from "effect/testing"
import fc from "fast-check"
import {
  type CloudApiSenderOptions,
  graphFailure,
  makeCloudApiNotifier,
} from "./message-sender.cloud-api.ts"
import { makeRateLimits } from "./rate-limits.ts"
import { type FakeGraphApi, graphErrors, startFakeGraphApi } from "./testing/fake-graph-api.ts"

let graph: FakeGraphApi
beforeAll(async () => {
  graph = await startFakeGraphApi()
})
afterAll(() => graph.close())
beforeEach(() => graph.reset())

const sender = (overrides: Partial<CloudApiSenderOptions> = {}) =>
  makeCloudApiNotifier({
    accessToken: Redacted.make("EAAG-test-token"),
    phoneNumberId: "106540352242922",
    graphUrl: graph.graphUrl,
    messagesPerSecond: 80,
    ...overrides,
  })

let seq = 0
const message = (intent: MessageIntent | undefined, to = "+27825550123"): OutboxMessage => ({
  id: `msg_${String(++seq).padStart(20, "0")}` as MessageId,
  dedupeKey: `evt-${seq}:whatsapp:test`,
  channel: "whatsapp",
  to,
  template: "test",
  body: "the body as text",
  ...(intent === undefined ? {} : { intent }),
  status: "sending",
  attempts: 1,
  nextAttemptAt: 0 as OutboxMessage["nextAttemptAt"],
  createdAt: 0 as OutboxMessage["createdAt"],
})

const envelope = (type: string, payload: unknown) => ({
  messaging_product: "whatsapp",
  recipient_type: "individual",
  to: "27825550123",
  type,
  [type]: payload,
})

/** Intent -> the exact body Meta documents for it. */
const shapes: ReadonlyArray<readonly [string, MessageIntent | undefined, unknown]> = [
  [
    "a message without an intent as text",
    undefined,
    envelope("text", { body: "the body as text" }),
  ],
  ["text", { _tag: "text", body: "Hello" }, envelope("text", { body: "Hello" })],
  [
    "reply buttons with header and footer",
    {
      _tag: "buttons",
      body: "Accept this lead?",
      header: "New lead",
      footer: "Fundi",
      buttons: [
        { id: "accept:off_1", title: "Accept" },
        { id: "decline:off_1", title: "Decline" },
      ],
    },
    envelope("interactive", {
      type: "button",
      body: { text: "Accept this lead?" },
      header: { type: "text", text: "New lead" },
      footer: { text: "Fundi" },
      action: {
        buttons: [
          { type: "reply", reply: { id: "accept:off_1", title: "Accept" } },
          { type: "reply", reply: { id: "decline:off_1", title: "Decline" } },
        ],
      },
    }),
  ],
  [
    "a list",
    {
      _tag: "list",
      body: "What do you need?",
      button: "Categories",
      sections: [
        {
          title: "Home",
          rows: [
            { id: "plumbing", title: "Plumbing", description: "Leaks, geysers" },
            { id: "electrical", title: "Electrical" },
          ],
        },
      ],
    },
    envelope("interactive", {
      type: "list",
      body: { text: "What do you need?" },
      action: {
        button: "Categories",
        sections: [
          {
            title: "Home",
            rows: [
              { id: "plumbing", title: "Plumbing", description: "Leaks, geysers" },
              { id: "electrical", title: "Electrical" },
            ],
          },
        ],
      },
    }),
  ],
  [
    "an image by link",
    { _tag: "media", kind: "image", link: "https://files.example/a.jpg", caption: "Before" },
    envelope("image", { link: "https://files.example/a.jpg", caption: "Before" }),
  ],
  [
    "a document by link",
    {
      _tag: "media",
      kind: "document",
      link: "https://files.example/q.pdf",
      caption: "Quote",
      filename: "quote.pdf",
    },
    envelope("document", {
      link: "https://files.example/q.pdf",
      caption: "Quote",
      filename: "quote.pdf",
    }),
  ],
  [
    "audio by link",
    { _tag: "media", kind: "audio", link: "https://files.example/v.ogg" },
    envelope("audio", { link: "https://files.example/v.ogg" }),
  ],
  [
    "video by link",
    { _tag: "media", kind: "video", link: "https://files.example/v.mp4", caption: "Leak" },
    envelope("video", { link: "https://files.example/v.mp4", caption: "Leak" }),
  ],
  [
    "a template with body parameters",
    { _tag: "template", name: "lead_offer", language: "en", parameters: ["Soweto", "R 120"] },
    envelope("template", {
      name: "lead_offer",
      language: { code: "en", policy: "deterministic" },
      components: [
        {
          type: "body",
          parameters: [
            { type: "text", text: "Soweto" },
            { type: "text", text: "R 120" },
          ],
        },
      ],
    }),
  ],
  [
    "a template without parameters",
    { _tag: "template", name: "conversation_stopped", language: "en_US", parameters: [] },
    envelope("template", {
      name: "conversation_stopped",
      language: { code: "en_US", policy: "deterministic" },
    }),
  ],
  [
    "a location request",
    { _tag: "location_request", body: "Where is the job?" },
    envelope("interactive", {
      type: "location_request_message",
      body: { text: "Where is the job?" },
      action: { name: "send_location" },
    }),
  ],
]

describe("Cloud API sender: request shapes", () => {
  for (const [name, intent, expected] of shapes) {
    it.effect(`sends ${name} exactly as the Cloud API expects`, () =>
      Effect.gen(function* () {
        const receipt = yield* sender().send(message(intent))
        expect(receipt.providerMessageId).toMatch(/^wamid\.\d+$/)
        expect(graph.requests).toHaveLength(1)
        const [request] = graph.requests
        expect(request).toMatchObject({ method: "POST", path: "/v23.0/106540352242922/messages" })
        expect(request!.body).toEqual(expected)
        expect(request!.headers.authorization).toBe("Bearer EAAG-test-token")
        expect(request!.headers["content-type"]).toBe("application/json")
      }),
    )
  }

  it.effect("refuses, without a request, what the library will not build", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        sender().send(
          message({
            _tag: "buttons",
            body: "Pick",
            buttons: [
              { id: "a", title: "Same" },
              { id: "b", title: "Same" },
            ],
          }),
        ),
      )
      expect(error.permanent).toBe(true)
      expect(error.detail).toContain("cannot build the buttons message")
      expect(graph.requests).toHaveLength(0)
    }),
  )
})

const failureOf = (effect: Effect.Effect<unknown, DeliveryFailed>) => Effect.flip(effect)

describe("Cloud API sender: errors", () => {
  it.effect("429 with Retry-After is transient and carries the wait", () =>
    Effect.gen(function* () {
      graph.script(graphErrors.tooManyRequests(30))
      const error = yield* failureOf(sender().send(message(undefined)))
      expect(error).toMatchObject({ permanent: false, code: 130429, retryAfterMs: 30_000 })
    }),
  )

  it.effect("a 500 with an HTML body is transient", () =>
    Effect.gen(function* () {
      graph.script(graphErrors.serverError())
      const error = yield* failureOf(sender().send(message(undefined)))
      expect(error.permanent).toBe(false)
      expect(error.detail).toContain("HTTP 500")
      expect(error.code).toBeUndefined()
    }),
  )

  it.effect("130429 (number rate) is transient", () =>
    Effect.gen(function* () {
      graph.script(graphErrors.rateLimit())
      const error = yield* failureOf(sender().send(message(undefined)))
      expect(error).toMatchObject({ permanent: false, code: 130429 })
    }),
  )

  it.effect("131056 (pair rate) is transient and waits at least the pair interval", () =>
    Effect.gen(function* () {
      graph.script(graphErrors.pairRateLimit())
      const error = yield* failureOf(sender().send(message(undefined)))
      expect(error).toMatchObject({ permanent: false, code: 131056, retryAfterMs: 6_000 })
      expect(error.detail).toContain("Too many messages")
    }),
  )

  it.effect("131026, 131047 and a bad token (401/190) are permanent, with the code", () =>
    Effect.gen(function* () {
      const cases = [
        [graphErrors.undeliverable(), 131026],
        [graphErrors.reEngagement(), 131047],
        [graphErrors.badToken(), 190],
      ] as const
      for (const [answer, code] of cases) {
        graph.script(answer)
        const error = yield* failureOf(sender().send(message(undefined)))
        expect(error).toMatchObject({ permanent: true, code })
        expect(error.retryAfterMs).toBeUndefined()
      }
    }),
  )

  it.effect("a network error is transient", () =>
    Effect.gen(function* () {
      const error = yield* failureOf(
        sender({ graphUrl: "http://127.0.0.1:1/v23.0" }).send(message(undefined)),
      )
      expect(error.permanent).toBe(false)
      expect(error.detail).toContain("network error")
    }),
  )
})

describe("Cloud API sender: rate limits", () => {
  it.effect("paces one recipient without blocking: over the burst it fails with the wait", () =>
    Effect.gen(function* () {
      const notifier = sender({ perRecipient: { burst: 2, intervalMs: 6_000 } })
      yield* notifier.send(message(undefined, "+27825550001"))
      yield* notifier.send(message(undefined, "+27825550001"))
      const error = yield* failureOf(notifier.send(message(undefined, "+27825550001")))
      expect(error).toMatchObject({ permanent: false, retryAfterMs: 6_000 })
      // Someone else is not held up, and nothing went out for the paced message.
      yield* notifier.send(message(undefined, "+27825550002"))
      expect(graph.requests.map((r) => (r.body as { to: string }).to)).toEqual([
        "27825550001",
        "27825550001",
        "27825550002",
      ])
      yield* TestClock.adjust(6_000)
      yield* notifier.send(message(undefined, "+27825550001"))
      expect(graph.requests).toHaveLength(4)
    }),
  )

  it.effect("waits for the number's per-second rate instead of sending over it", () =>
    Effect.gen(function* () {
      const limits = makeRateLimits({ messagesPerSecond: 2 })
      yield* limits.number
      yield* limits.number
      const third = yield* Effect.forkChild(limits.number)
      yield* TestClock.adjust(499)
      expect(third.pollUnsafe()).toBeUndefined()
      yield* TestClock.adjust(1)
      yield* Fiber.join(third)

      // And the sender goes through it: the third of three sends waits, then goes.
      const notifier = sender({ messagesPerSecond: 2 })
      yield* notifier.send(message(undefined, "+27825550011"))
      yield* notifier.send(message(undefined, "+27825550012"))
      const send = yield* Effect.forkChild(notifier.send(message(undefined, "+27825550013")))
      yield* TestClock.adjust(499)
      expect(send.pollUnsafe()).toBeUndefined()
      yield* TestClock.adjust(1)
      yield* Fiber.join(send)
      expect(graph.requests).toHaveLength(3)
    }),
  )
})

describe("graphFailure", () => {
  it("is permanent exactly for 401 and the permanent codes, and only a transient one waits", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(400, 401, 403, 404, 429, 500, 502, 503),
        fc.option(
          fc.oneof(
            fc.constantFrom(4, 100, 190, 613, 80007, 130429, 131026, 131047, 131048, 131050),
            fc.constantFrom(131056, 130472, 131049, 131000),
            fc.integer({ min: 1, max: 200_000 }),
          ),
          { nil: undefined },
        ),
        fc.option(fc.nat(600_000), { nil: undefined }),
        (status, code, retryAfterMs) => {
          const body = code === undefined ? "<html>" : { error: { code, message: "m" } }
          const failure = graphFailure(status, body, retryAfterMs, 6_000)
          const permanent = status === 401 || (code !== undefined && isPermanentWhatsAppError(code))
          expect(failure.permanent).toBe(permanent)
          expect(failure.code).toBe(code)
          if (permanent) expect(failure.retryAfterMs).toBeUndefined()
          else if (code === 131056) expect(failure.retryAfterMs).toBeGreaterThanOrEqual(6_000)
          else expect(failure.retryAfterMs).toBe(retryAfterMs)
          expect(failure.detail).toContain(`HTTP ${status}`)
        },
      ),
    )
  })
})
