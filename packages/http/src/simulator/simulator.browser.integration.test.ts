import {
  type InboundContent,
  Inbox,
  type Instant,
  type MessageIntent,
  Outbox,
  type OutboxMessage,
} from "@fundi/core"
import { InMemoryStore, objectsTable, sampleJpeg } from "@fundi/core/testing"
import { Effect } from "effect"
import type { BrowserContext, Page } from "playwright-core"
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { type RunningServer, startServer } from "../server.ts"
import {
  chromiumPath,
  launchPhoneBrowser,
  PHONE,
  type PhoneBrowser,
} from "../testing/phone-browser.ts"
import { makeSimulatorApp } from "./simulator.test-support.ts"

const executablePath = chromiumPath

/**
 * The page reads the server once a second, as it does in `fundi serve`: what it shows may
 * take a few reads. A bound on waiting, not an assertion about speed.
 */
const eventually = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000 })

describe.skipIf(executablePath === undefined)(
  "the WhatsApp simulator in a real browser (phone)",
  () => {
    let sim: ReturnType<typeof makeSimulatorApp>
    let server: RunningServer
    let browser: BrowserContext
    let phone: PhoneBrowser
    let page: Page
    let problems: Array<string>

    beforeAll(async () => {
      sim = makeSimulatorApp()
      server = await startServer(sim.app, { port: 0, hostname: "127.0.0.1" })
      phone = await launchPhoneBrowser(executablePath!)
      browser = phone.context
    })

    afterAll(async () => {
      await phone?.close()
      await server?.close()
      await sim?.dispose()
    })

    // Every console error and uncaught exception fails the test (a CSP block shows as one).
    beforeEach(async () => {
      problems = []
      page = await browser.newPage()
      page.on("console", (m) => {
        if (m.type() === "error") problems.push(m.text())
      })
      page.on("pageerror", (e) => problems.push(e.message))
    })
    afterEach(async () => {
      await page.close()
      expect(problems).toEqual([])
    })

    /** What the webhook recorded from this phone, oldest first. */
    const received = (phone: string) =>
      sim.runtime.runPromise(
        Effect.map(
          Effect.flatMap(Inbox, (inbox) => inbox.list({ phone })),
          (entries) =>
            entries
              .flatMap((e) => (e.update._tag === "message" ? [e.update.message] : []))
              .toReversed(),
        ),
      )

    const contentsFrom = async (phone: string): Promise<ReadonlyArray<InboundContent>> =>
      (await received(phone)).map((m) => m.content)

    const expectPhoneFriendly = async () => {
      const scrollWidth = Number(await page.evaluate("document.documentElement.scrollWidth"))
      expect(scrollWidth).toBeLessThanOrEqual(PHONE.width)
      for (const button of await page.locator("button:visible").all()) {
        expect((await button.boundingBox())?.height ?? 0).toBeGreaterThanOrEqual(44)
      }
    }

    it("a new number says hi with an emoji name, sees the bot's reply with buttons, taps one and sees the next reply", async () => {
      await page.goto(`${server.url}/dev/whatsapp`)
      await expectPhoneFriendly()
      await page.getByLabel("Profile name").fill("Zoë 🙂")
      await page.getByRole("button", { name: "New number" }).click()
      const who = await page.locator("#who").textContent()
      const phone = /\+[0-9]+/.exec(who ?? "")?.[0] ?? ""
      expect(phone).toMatch(/^\+2760[0-9]{7}$/)
      expect(who).toContain("Zoë 🙂")

      await page.getByLabel("Message").fill("hi")
      await page.getByRole("button", { name: "Send" }).click()
      // Signed in the browser, verified and recorded by the real webhook, with the name intact.
      await eventually(() => contentsFrom(phone)).toEqual([{ _tag: "text", body: "hi" }])
      expect((await received(phone))[0]?.contactName).toBe("Zoë 🙂")
      await eventually(() => page.locator(".bubble.in").first().getAttribute("data-state")).toBe(
        "delivered",
      )

      await sim.work()
      const replies = page.locator(".bubble.out")
      await eventually(() => replies.count()).toBeGreaterThan(0)
      await eventually(() => page.locator(".bubble.in").first().getAttribute("data-state")).toBe(
        "read",
      )
      const first = replies.last()
      const kind = await first.getAttribute("data-kind")
      expect(["buttons", "list"]).toContain(kind)
      await expectPhoneFriendly()

      const before = await replies.count()
      if (kind === "buttons") {
        const button = first.locator("button.reply").first()
        const title = await button.textContent()
        await button.click()
        await eventually(async () => (await contentsFrom(phone))[1]).toMatchObject({
          _tag: "button_reply",
          title,
        })
      } else {
        await first.locator("button.open-list").click()
        const row = page.locator("#sheet button.row").first()
        await eventually(() => row.isVisible()).toBe(true)
        await row.click()
        await eventually(async () => (await contentsFrom(phone))[1]?._tag).toBe("list_reply")
      }
      await sim.work()
      await eventually(() => replies.count()).toBeGreaterThan(before)
      // The chat reads in the order things happened: hi, the bot, the tap, the bot again.
      const sides = async () =>
        Promise.all(
          (await page.locator(".bubble").all()).map(async (b) =>
            (await b.getAttribute("class"))?.includes(" in") ? "in" : "out",
          ),
        )
      const order = await sides()
      expect(order.slice(0, 3)).toEqual(["in", "out", "in"])
      expect(order.slice(3).every((side) => side === "out")).toBe(true)
    })

    it("renders every kind of message as WhatsApp would, answers a list and a location request through the webhook, and shows read ticks after reporting them", async () => {
      const phone = "+27825550123"
      const at = Date.now()
      const intents: ReadonlyArray<MessageIntent> = [
        { _tag: "text", body: "Track it at https://example.com/r/1?x=1 <b>now</b>" },
        {
          _tag: "buttons",
          header: "Your request",
          body: "Is this right?",
          footer: "Reply with a button",
          buttons: [
            { id: "yes", title: "Yes" },
            { id: "no", title: "No" },
            { id: "edit", title: "Change it" },
          ],
        },
        {
          _tag: "list",
          body: "What kind of help?",
          button: "Categories",
          sections: [
            {
              title: "Water",
              rows: [
                { id: "plumbing", title: "Plumbing", description: "Leaks, geysers" },
                { id: "irrigation", title: "Irrigation" },
              ],
            },
            { title: "Power", rows: [{ id: "electrical", title: "Electrical" }] },
          ],
        },
        {
          _tag: "media",
          kind: "document",
          link: "https://example.com/quote.pdf",
          filename: "quote.pdf",
          caption: "Your quote",
        },
        {
          _tag: "template",
          name: "lead.offered",
          language: "en",
          parameters: ["plumbing", "Soweto"],
        },
        { _tag: "location_request", body: "Where is the job?" },
      ]
      const messages: ReadonlyArray<OutboxMessage> = intents.map((intent, i) => ({
        id: `msg_sim${i}` as OutboxMessage["id"],
        dedupeKey: `sim-${i}:whatsapp`,
        channel: "whatsapp",
        to: phone,
        template: "conversation.reply",
        body: "fallback body",
        intent,
        status: "pending",
        attempts: 0,
        nextAttemptAt: (at + i) as Instant,
        createdAt: (at + i) as Instant,
      }))
      await sim.runtime.runPromise(
        Effect.gen(function* () {
          const outbox = yield* Outbox
          yield* outbox.enqueue(messages)
          // The first one went out through the Cloud API: WhatsApp will report on its id.
          yield* outbox.markSent(messages[0]!.id, at as Instant, "wamid.SENT0")
        }),
      )

      await page.goto(`${server.url}/dev/whatsapp?phone=${encodeURIComponent(phone)}`)
      const bubbles = page.locator(".bubble.out")
      await eventually(() => bubbles.count()).toBe(intents.length)
      await expectPhoneFriendly()

      const link = bubbles.nth(0).locator("a")
      expect(await link.getAttribute("href")).toBe("https://example.com/r/1?x=1")
      // Text from the bot is text: the <b> arrives as characters, not as markup.
      expect(await bubbles.nth(0).textContent()).toContain("<b>now</b>")
      expect(await bubbles.nth(0).locator("b").count()).toBe(0)

      expect(await bubbles.nth(1).locator("button.reply").allTextContents()).toEqual([
        "Yes",
        "No",
        "Change it",
      ])
      expect(await bubbles.nth(1).textContent()).toContain("Your request")
      expect(await bubbles.nth(3).locator("a").getAttribute("href")).toBe(
        "https://example.com/quote.pdf",
      )
      expect(await bubbles.nth(3).textContent()).toContain("Your quote")
      const template = await bubbles.nth(4).textContent()
      expect(template).toContain("lead.offered")
      expect(template).toContain("Soweto")
      // Not sent yet: a clock, no tick.
      expect(await bubbles.nth(2).getAttribute("data-state")).toBe("queued")

      await bubbles
        .nth(2)
        .getByRole("button", { name: /Categories/ })
        .click()
      const sheet = page.locator("#sheet")
      expect(await sheet.locator("h3").allTextContents()).toEqual(["Water", "Power"])
      await expectPhoneFriendly()
      await sheet.getByRole("button", { name: /Plumbing/ }).click()
      expect(await sheet.isHidden()).toBe(true)
      await bubbles
        .nth(5)
        .getByRole("button", { name: /Send location/ })
        .click()

      await eventually(() => contentsFrom(phone)).toEqual([
        { _tag: "list_reply", id: "plumbing", title: "Plumbing", description: "Leaks, geysers" },
        {
          _tag: "location",
          latitude: -26.2041,
          longitude: 28.0473,
          name: "Simulated pin",
          address: "Johannesburg",
        },
      ])
      // The phone's own messages show on its side of the chat, from the server's copy.
      await eventually(() => page.locator(".bubble.in").count()).toBe(2)

      // The page reported the sent message delivered and read, as a phone does; once the
      // inbox worker has run, the outbox knows and the ticks turn blue.
      await eventually(
        async () =>
          (
            await sim.runtime.runPromise(Effect.flatMap(Inbox, (inbox) => inbox.list({ phone })))
          ).filter((e) => e.update._tag === "status").length,
      ).toBe(2)
      await sim.work()
      await eventually(() => bubbles.nth(0).getAttribute("data-state")).toBe("read")
    })

    it("sends a photo with an emoji caption: uploaded, sent by its media id, and copied into storage by the inbox worker", async () => {
      const phone = "+27825550777"
      await page.goto(`${server.url}/dev/whatsapp?phone=${encodeURIComponent(phone)}`)
      await page.getByLabel("Message").fill("Leak under the sink 💧")
      await page.setInputFiles("#file", {
        name: "leak.jpg",
        mimeType: "image/jpeg",
        buffer: Buffer.from(sampleJpeg([1, 2, 3])),
      })
      await eventually(async () => (await contentsFrom(phone))[0]).toMatchObject({
        _tag: "media",
        kind: "image",
        mimeType: "image/jpeg",
        caption: "Leak under the sink 💧",
        mediaId: expect.stringMatching(/^whatsapp-simulator\//),
      })
      await eventually(() => page.locator('.bubble.in[data-kind="media"]').count()).toBe(1)
      expect(await page.getByLabel("Message").inputValue()).toBe("")

      const stored = () =>
        sim.runtime.runPromise(
          InMemoryStore.useSync((store) =>
            [...store.table(objectsTable).keys()].filter((key) => key.startsWith("whatsapp/")),
          ),
        )
      expect(await stored()).toEqual([])
      await sim.work()
      expect(await stored()).toHaveLength(1)
    })
  },
)
