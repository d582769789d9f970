import type { BrowserContext, Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type RunningServer, startServer } from "../server.ts"
import {
  chromiumPath,
  launchPhoneBrowser,
  PHONE,
  type PhoneBrowser,
} from "../testing/phone-browser.ts"
import { linkPathIn, type Scene, scene } from "./pages.test-support.ts"

// A real headless Chromium (Debian's, never a download) on a phone-sized screen.
const executablePath = chromiumPath

describe.skipIf(executablePath === undefined)("the link pages in a real browser (phone)", () => {
  let market: Scene
  let server: RunningServer
  let browser: BrowserContext
  let phone: PhoneBrowser

  beforeAll(async () => {
    market = await scene()
    server = await startServer(market.api.app, { port: 0, hostname: "127.0.0.1" })
    phone = await launchPhoneBrowser(executablePath!)
    browser = phone.context
  })

  afterAll(async () => {
    await phone?.close()
    await server?.close()
    await market?.api.dispose()
  })

  /** Fits the phone: no sideways scrolling, and every button a comfortable tap target. */
  const expectPhoneFriendly = async (page: Page) => {
    // A string, evaluated in the page: this package's types do not include the DOM.
    const scrollWidth = Number(await page.evaluate("document.documentElement.scrollWidth"))
    expect(scrollWidth).toBeLessThanOrEqual(PHONE.width)
    for (const button of await page.locator("button").all()) {
      const box = await button.boundingBox()
      expect(box?.height ?? 0).toBeGreaterThanOrEqual(44)
    }
  }

  it("a provider unlocks and proposes three times; the homeowner picks one; both see the handover", async () => {
    const provider = await browser.newPage()
    await provider.goto(`${server.url}${market.leadPaths[0]}`)
    await expect.poll(() => provider.locator("h1").textContent()).toBe("plumbing lead in soweto")
    expect(await provider.locator("body").textContent()).not.toContain("Vilakazi")
    await expectPhoneFriendly(provider)

    await provider.getByRole("button", { name: "Unlock for 10 credits" }).click()
    await provider.waitForURL(/\?done=unlocked$/)
    expect(await provider.getByRole("status").textContent()).toContain("Unlocked")
    expect(await provider.locator("body").textContent()).toContain("The geyser leaks")

    // The form comes filled with tomorrow's times; the provider moves the last one later.
    const last = provider.locator("#slot3_from")
    const value = await last.inputValue()
    await last.fill(value.replace(/T\d\d:\d\d$/, "T16:00"))
    await provider.locator("#slot3_to").fill(value.replace(/T\d\d:\d\d$/, "T17:30"))
    await provider.getByRole("button", { name: "Send these times" }).click()
    await provider.waitForURL(/\?done=proposed$/)
    expect(await provider.locator("body").textContent()).toContain("Waiting for the homeowner")
    await expectPhoneFriendly(provider)

    const homeowner = await browser.newPage()
    const handover = await linkPathIn(market.api, market.customerId, "lead.times_proposed")
    await homeowner.goto(`${server.url}${handover}`)
    const slots = homeowner.locator('button[name="slot"]')
    await expect.poll(() => slots.count()).toBe(3)
    await expectPhoneFriendly(homeowner)
    expect(await slots.nth(2).textContent()).toContain("16:00 – 17:30")
    await slots.nth(2).click()
    await homeowner.waitForURL(/\?done=chosen$/)
    const booked = await homeowner.locator("body").textContent()
    expect(booked).toContain("the time is booked")
    expect(booked).toContain("Provider 1")
    expect(booked).toContain("16:00 – 17:30")
    expect(await homeowner.locator('a[href^="tel:"]').first().getAttribute("href")).toBe(
      "tel:+27821000001",
    )

    await provider.reload()
    const handedOver = await provider.locator("body").textContent()
    expect(handedOver).toContain("The job is yours")
    expect(handedOver).toContain("+27831110000")
    expect(handedOver).toContain("12 Vilakazi St")
  })
})
