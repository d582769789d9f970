import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type BrowserContext, chromium } from "playwright-core"

/**
 * Debian's Chromium (never a download): .ci/run installs it and sets FUNDI_TEST_CHROMIUM.
 * Without it the browser tests have nothing to drive and skip.
 */
export const chromiumPath: string | undefined = process.env.FUNDI_TEST_CHROMIUM || undefined

export const PHONE = { width: 390, height: 844 } as const

export interface PhoneBrowser {
  readonly context: BrowserContext
  /** Closes the browser and removes its profile directory. */
  readonly close: () => Promise<void>
}

/**
 * A real headless Chromium on a phone-sized touch screen, with a fresh profile of its own
 * (a persistent context is how Playwright takes a user data directory we choose).
 */
export const launchPhoneBrowser = async (executablePath: string): Promise<PhoneBrowser> => {
  const profile = mkdtempSync(join(tmpdir(), "fundi-chromium-"))
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
      viewport: PHONE,
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
    })
    return {
      context,
      close: async () => {
        await context.close()
        rmSync(profile, { recursive: true, force: true })
      },
    }
  } catch (e) {
    rmSync(profile, { recursive: true, force: true })
    throw e
  }
}
