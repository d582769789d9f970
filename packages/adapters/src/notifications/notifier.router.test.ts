import { DeliveryFailed, type NotificationChannel, Notifier, type OutboxMessage } from "@fundi/core"
import { arbOutboxMessage } from "@fundi/core/testing"
import { Effect } from "effect"
import fc from "fast-check"
import { afterEach, describe, expect, it } from "vitest"
import { formatMessageLine } from "./notifier.console.ts"
import { layerNotifier, makeRoutingNotifier } from "./notifier.router.ts"
import { type SmtpTestServer, startSmtpTestServer } from "./testing/smtp-test-server.ts"

/** A notifier that records what it was given, and fails when told to. */
const recording = (name: string, log: string[]) =>
  Notifier.of({
    send: (message) =>
      message.body === "fail"
        ? Effect.fail(
            new DeliveryFailed({ channel: message.channel, detail: name, permanent: false }),
          )
        : Effect.sync(() => {
            log.push(`${name}:${message.id}`)
            return {}
          }),
  })

describe("routing notifier", () => {
  it("hands every message to the notifier of its channel and no other", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbOutboxMessage, { maxLength: 20 }), async (messages) => {
        const log: string[] = []
        const router = makeRoutingNotifier({
          email: recording("email", log),
          whatsapp: recording("whatsapp", log),
          sms: recording("sms", log),
        })
        for (const message of messages) await Effect.runPromise(Effect.ignore(router.send(message)))
        expect(log).toEqual(
          messages.filter((m) => m.body !== "fail").map((m) => `${m.channel}:${m.id}`),
        )
      }),
    )
  })

  it("passes a channel's failure through unchanged", async () => {
    const [message] = fc.sample(arbOutboxMessage, { numRuns: 1, seed: 3 })
    const router = makeRoutingNotifier({
      email: recording("email", []),
      whatsapp: recording("whatsapp", []),
      sms: recording("sms", []),
    })
    const error = await Effect.runPromise(Effect.flip(router.send({ ...message!, body: "fail" })))
    expect(error).toMatchObject({ _tag: "DeliveryFailed", detail: message!.channel })
  })
})

const on = (channel: NotificationChannel, i: number): OutboxMessage => {
  const [message] = fc.sample(arbOutboxMessage, { numRuns: 1, seed: i })
  return {
    ...message!,
    channel,
    to: channel === "email" ? `person${i}@example.org` : "+27821234567",
    subject: `subject ${i}`,
  }
}

const sendAll = (layer: ReturnType<typeof layerNotifier>, messages: OutboxMessage[]) =>
  Effect.runPromise(
    Notifier.use((n) => Effect.forEach(messages, (m) => n.send(m), { discard: true })).pipe(
      Effect.provide(layer),
    ),
  )

describe("layerNotifier", () => {
  let server: SmtpTestServer | undefined
  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  it("sends everything to the console when no SMTP server is configured", async () => {
    const lines: string[] = []
    const messages = [on("email", 1), on("whatsapp", 2), on("sms", 3)]
    await sendAll(layerNotifier({ write: (l) => lines.push(l) }), messages)
    expect(lines).toEqual(messages.map(formatMessageLine))
  })

  it("sends email over SMTP when configured, and WhatsApp and SMS to the console", async () => {
    server = await startSmtpTestServer()
    const lines: string[] = []
    const messages = [on("email", 1), on("whatsapp", 2), on("sms", 3), on("email", 4)]
    await sendAll(
      layerNotifier({
        write: (l) => lines.push(l),
        smtp: { url: server.url, from: "noreply@fundi.test", timeoutMs: 5_000 },
      }),
      messages,
    )
    expect(server.received.map((m) => [m.rcptTo, m.headers.get("subject")])).toEqual([
      [["person1@example.org"], "subject 1"],
      [["person4@example.org"], "subject 4"],
    ])
    expect(lines).toEqual([formatMessageLine(messages[1]!), formatMessageLine(messages[2]!)])
  })

  it("refuses a bad SMTP URL when the layer is made, saying why", () => {
    expect(() => layerNotifier({ smtp: { url: "mail.example.com", from: "a@b.c" } })).toThrow(
      /SMTP URL/,
    )
  })
})
