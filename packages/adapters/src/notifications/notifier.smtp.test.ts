import { type MessageId, Notifier, type OutboxMessage } from "@fundi/core"
import { Effect, Exit } from "effect"
import fc from "fast-check"
import { afterEach, describe, expect, it } from "vitest"
import {
  isPermanentSmtpFailure,
  layerSmtpNotifier,
  makeSmtpNotifier,
  redactSmtpUrl,
} from "./notifier.smtp.ts"
import { type SmtpTestServer, startSmtpTestServer } from "./testing/smtp-test-server.ts"

const message = (overrides: Partial<OutboxMessage> = {}): OutboxMessage =>
  ({
    id: "msg_0000000000000000000a" as MessageId,
    dedupeKey: "evt-1:email:application.approved",
    channel: "email",
    to: "thandi@example.org",
    template: "application.approved",
    subject: "You are approved",
    body: "Hello Thandi,\nWelcome to Fundi.\n",
    status: "sending",
    attempts: 1,
    nextAttemptAt: 0,
    createdAt: 0,
    ...overrides,
  }) as OutboxMessage

const servers: SmtpTestServer[] = []
const closers: Array<() => void> = []
afterEach(async () => {
  for (const close of closers.splice(0)) close()
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

const serve = async (options: Parameters<typeof startSmtpTestServer>[0] = {}) => {
  const server = await startSmtpTestServer(options)
  servers.push(server)
  return server
}

const notifierFor = (url: string) => {
  const smtp = makeSmtpNotifier({ url, from: "Fundi <noreply@fundi.test>", timeoutMs: 5_000 })
  closers.push(smtp.close)
  return smtp.notifier
}

const failureOf = async (effect: Effect.Effect<void, unknown>) => {
  const exit = await Effect.runPromiseExit(effect)
  if (Exit.isSuccess(exit)) throw new Error("expected the send to fail")
  const error = exit.cause.reasons[0]
  if (error?._tag !== "Fail") throw new Error(`expected a typed failure, got ${String(exit.cause)}`)
  return error.error as { _tag: string; permanent: boolean; detail: string; channel: string }
}

describe("SMTP notifier against a real SMTP server", () => {
  it("delivers the message with the right sender, recipient, subject and body", async () => {
    const server = await serve()
    await Effect.runPromise(notifierFor(server.url).send(message()))

    expect(server.received).toHaveLength(1)
    const mail = server.received[0]!
    expect(mail.mailFrom).toBe("noreply@fundi.test")
    expect(mail.rcptTo).toEqual(["thandi@example.org"])
    expect(mail.headers.get("from")).toBe("Fundi <noreply@fundi.test>")
    expect(mail.headers.get("to")).toBe("thandi@example.org")
    expect(mail.headers.get("subject")).toBe("You are approved")
    expect(mail.headers.get("x-fundi-message-id")).toBe("msg_0000000000000000000a")
    expect(mail.headers.get("content-type")).toContain("text/plain")
    expect(mail.body.trimEnd()).toBe("Hello Thandi,\nWelcome to Fundi.")
  })

  it("uses the template name as the subject when the message has none", async () => {
    const server = await serve()
    const { subject: _, ...withoutSubject } = message()
    await Effect.runPromise(notifierFor(server.url).send(withoutSubject as OutboxMessage))
    expect(server.received[0]?.headers.get("subject")).toBe("application.approved")
  })

  it("logs in with the user and password of the URL", async () => {
    const server = await serve({ auth: { user: "fundi@mail", pass: "s3cret:/@" } })
    await Effect.runPromise(notifierFor(server.url).send(message()))
    expect(server.received[0]?.user).toBe("fundi@mail")
  })

  it("reports wrong credentials as transient: fixing the configuration must not lose mail", async () => {
    const server = await serve({ auth: { user: "fundi", pass: "right" } })
    const failure = await failureOf(
      notifierFor(`smtp://fundi:wrong@127.0.0.1:${server.port}`).send(message()),
    )
    expect(failure).toMatchObject({ _tag: "DeliveryFailed", channel: "email", permanent: false })
    expect(failure.detail).toContain("EAUTH")
    expect(failure.detail).not.toContain("wrong")
    expect(server.received).toEqual([])
  })

  it("fails permanently when the server rejects the recipient with 550", async () => {
    const server = await serve({
      rejectRecipient: (to) =>
        to === "gone@example.org" ? { code: 550, text: "mailbox unavailable" } : undefined,
    })
    const failure = await failureOf(
      notifierFor(server.url).send(message({ to: "gone@example.org" })),
    )
    expect(failure).toMatchObject({ _tag: "DeliveryFailed", channel: "email", permanent: true })
    expect(failure.detail).toContain("550")
    expect(failure.detail).toContain("mailbox unavailable")
    expect(server.received).toEqual([])
  })

  it("fails transiently when the server says to try later (451)", async () => {
    const server = await serve({
      rejectRecipient: () => ({ code: 451, text: "greylisted, try again later" }),
    })
    const failure = await failureOf(notifierFor(server.url).send(message()))
    expect(failure).toMatchObject({ permanent: false })
    expect(failure.detail).toContain("451")
  })

  it("fails transiently when the server is not there", async () => {
    const server = await serve()
    await server.close()
    const failure = await failureOf(notifierFor(server.url).send(message()))
    expect(failure).toMatchObject({ _tag: "DeliveryFailed", channel: "email", permanent: false })
  })

  it("refuses a message of another channel for good: it was routed here by mistake", async () => {
    const server = await serve()
    const failure = await failureOf(
      notifierFor(server.url).send(message({ channel: "sms", to: "+27821234567" })),
    )
    expect(failure).toMatchObject({ channel: "sms", permanent: true })
    expect(server.received).toEqual([])
  })

  it("works as a layer that closes its transport when released", async () => {
    const server = await serve()
    await Effect.runPromise(
      Effect.gen(function* () {
        const notifier = yield* Notifier
        yield* notifier.send(message())
      }).pipe(Effect.provide(layerSmtpNotifier({ url: server.url, from: "noreply@fundi.test" }))),
    )
    expect(server.received).toHaveLength(1)
  })
})

describe("SMTP URL and failure classification", () => {
  it("rejects a URL that is not smtp:// or smtps://, without showing the password", () => {
    expect(() => makeSmtpNotifier({ url: "http://u:hunter2@host", from: "a@b.c" })).toThrow(
      /smtp:\/\/ or smtps:\/\/.*http:\/\/u:\*\*\*@host/,
    )
    expect(() => makeSmtpNotifier({ url: "not a url", from: "a@b.c" })).toThrow(/not a URL/)
    expect(() => layerSmtpNotifier({ url: "ftp://host", from: "a@b.c" })).toThrow(/smtp:\/\//)
    expect(redactSmtpUrl("smtps://user:p4ss@mail.example.com:465")).toBe(
      "smtps://user:***@mail.example.com:465",
    )
  })

  it("calls only 5xx replies other than 503 and account problems permanent", () => {
    fc.assert(
      fc.property(
        fc.option(fc.integer({ min: 200, max: 599 }), { nil: undefined }),
        fc.option(fc.constantFrom("EENVELOPE", "EMESSAGE", "EAUTH", "ESOCKET", "ETIMEDOUT"), {
          nil: undefined,
        }),
        (responseCode, code) => {
          const expected =
            responseCode !== undefined &&
            responseCode >= 500 &&
            responseCode !== 503 &&
            code !== "EAUTH"
          expect(isPermanentSmtpFailure({ responseCode, code })).toBe(expected)
        },
      ),
    )
  })
})
