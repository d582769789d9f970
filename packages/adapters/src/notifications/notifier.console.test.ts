import { Notifier } from "@fundi/core"
import { arbOutboxMessage } from "@fundi/core/testing"
import { Effect } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { formatMessageLine, layerConsoleNotifier, makeConsoleNotifier } from "./notifier.console.ts"

describe("console notifier", () => {
  it("writes exactly one line per message naming channel, recipient, template, subject and body", async () => {
    await fc.assert(
      fc.asyncProperty(arbOutboxMessage, async (message) => {
        const lines: string[] = []
        await Effect.runPromise(makeConsoleNotifier({ write: (l) => lines.push(l) }).send(message))

        expect(lines).toHaveLength(1)
        const line = lines[0]!
        expect(line).not.toMatch(/[\r\n]/)
        expect(
          line.startsWith(`[${message.channel}] to=${message.to} template=${message.template} `),
        ).toBe(true)
        // Subject and body are JSON strings, so they read back exactly, newlines and all.
        const body = /body=("(?:[^"\\]|\\.)*")/.exec(line)?.[1]
        expect(JSON.parse(body!)).toBe(message.body)
        const subject = /subject=("(?:[^"\\]|\\.)*")/.exec(line)?.[1]
        expect(subject === undefined ? undefined : JSON.parse(subject)).toBe(message.subject)
        expect(line).toContain(`id=${message.id}`)
      }),
    )
  })

  it("formats a typical message readably", () => {
    const line = formatMessageLine({
      id: "msg_0000000000000000000a",
      dedupeKey: "k",
      channel: "whatsapp",
      to: "+27821234567",
      template: "application.approved",
      body: "Welcome to Fundi!\nReply HELP for help.",
      status: "sending",
      attempts: 1,
      nextAttemptAt: 0,
      createdAt: 0,
    } as never)
    expect(line).toBe(
      '[whatsapp] to=+27821234567 template=application.approved body="Welcome to Fundi!\\nReply HELP for help." id=msg_0000000000000000000a',
    )
  })

  it("is available as a layer", async () => {
    const lines: string[] = []
    const [message] = fc.sample(arbOutboxMessage, { numRuns: 1, seed: 7 })
    await Effect.runPromise(
      Notifier.use((n) => n.send(message!)).pipe(
        Effect.provide(layerConsoleNotifier({ write: (l) => lines.push(l) })),
      ),
    )
    expect(lines).toEqual([formatMessageLine(message!)])
  })
})
