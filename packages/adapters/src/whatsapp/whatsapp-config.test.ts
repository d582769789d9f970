import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Redacted } from "effect"
import fc from "fast-check"
import { afterEach, describe, expect, it } from "vitest"
import { makeContainer, Tokens, type WhatsAppWebhookSettings } from "../composition-root.ts"
import { configProblems, serverEnv } from "../config.testing.ts"
import { DEFAULT_WHATSAPP_GRAPH_URL, loadConfig } from "../config.ts"

const dirs: Array<string> = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

const webhookSettings = (env: Record<string, string>): WhatsAppWebhookSettings =>
  makeContainer(loadConfig(env), {}).get<WhatsAppWebhookSettings>(Tokens.WhatsAppWebhook)

describe("WhatsApp configuration", () => {
  it("defaults to the simulator: no Meta secrets, Meta's Graph URL, 80 messages/s", () => {
    expect(loadConfig({}).whatsapp).toEqual({
      appSecret: undefined,
      verifyToken: undefined,
      accessToken: undefined,
      phoneNumberId: undefined,
      graphUrl: DEFAULT_WHATSAPP_GRAPH_URL,
      messagesPerSecond: 80,
      simulator: true,
    })
  })

  it("offers the simulator only where its secret is a throwaway: embedded, no Meta secret", () => {
    fc.assert(
      fc.property(fc.boolean(), fc.boolean(), fc.boolean(), (server, withToken, withSecret) => {
        const env: Record<string, string> = {
          ...(server ? serverEnv : {}),
          ...(withToken
            ? {
                WHATSAPP_ACCESS_TOKEN: "EAAG-token",
                WHATSAPP_PHONE_NUMBER_ID: "106540352242922",
                WHATSAPP_APP_SECRET: "app-secret",
                WHATSAPP_VERIFY_TOKEN: "verify",
              }
            : {}),
          ...(withSecret ? { WHATSAPP_APP_SECRET: "app-secret" } : {}),
        }
        // The page gives its signing secret to any browser: never a real or shared one.
        expect(loadConfig(env).whatsapp.simulator).toBe(!server && !withToken && !withSecret)
      }),
    )
  })

  it("reads every variable, keeps the secrets redacted, and leaves the simulator with a token", () => {
    const wa = loadConfig({
      ...serverEnv,
      WHATSAPP_APP_SECRET: "app-secret-value",
      WHATSAPP_VERIFY_TOKEN: "verify-token-value",
      WHATSAPP_ACCESS_TOKEN: "EAAG-access-token",
      WHATSAPP_PHONE_NUMBER_ID: "106540352242922",
      WHATSAPP_GRAPH_URL: "http://127.0.0.1:9999/v23.0/",
      WHATSAPP_MPS: "1000",
    }).whatsapp
    expect(wa.simulator).toBe(false)
    expect(wa.graphUrl).toBe("http://127.0.0.1:9999/v23.0")
    expect(wa.messagesPerSecond).toBe(1000)
    expect(wa.phoneNumberId).toBe("106540352242922")
    for (const [secret, value] of [
      [wa.appSecret, "app-secret-value"],
      [wa.verifyToken, "verify-token-value"],
      [wa.accessToken, "EAAG-access-token"],
    ] as const) {
      expect(secret && Redacted.value(secret)).toBe(value)
      expect(String(secret)).not.toContain(value)
    }
  })

  it("with a server and an access token, requires the app secret, verify token and number id by name", () => {
    expect(configProblems({ ...serverEnv, WHATSAPP_ACCESS_TOKEN: "EAAG" })).toEqual([
      expect.stringMatching(/^WHATSAPP_APP_SECRET: is required with a PostgreSQL server/),
      expect.stringMatching(/^WHATSAPP_VERIFY_TOKEN: is required with a PostgreSQL server/),
      expect.stringMatching(/^WHATSAPP_PHONE_NUMBER_ID: is required with WHATSAPP_ACCESS_TOKEN/),
    ])
    // A server without Meta (the simulator) and the embedded database need none of them.
    expect(configProblems(serverEnv)).toEqual([])
    expect(
      configProblems({ WHATSAPP_ACCESS_TOKEN: "EAAG", WHATSAPP_PHONE_NUMBER_ID: "1" }),
    ).toEqual([])
  })

  it("names each bad value", () => {
    for (const mps of ["0", "1001", "fast", "8.5"]) {
      expect(configProblems({ WHATSAPP_MPS: mps }), mps).toEqual([
        expect.stringMatching(/^WHATSAPP_MPS: .* must be a whole number from 1 to 1000/),
      ])
    }
    expect(configProblems({ WHATSAPP_GRAPH_URL: "graph.facebook.com" })).toEqual([
      expect.stringMatching(/^WHATSAPP_GRAPH_URL:/),
    ])
    expect(configProblems({ WHATSAPP_PHONE_NUMBER_ID: "+1 555" })).toEqual([
      expect.stringMatching(/^WHATSAPP_PHONE_NUMBER_ID:/),
    ])
  })

  it("on the embedded database generates the app secret and verify token once, 0600, beside the data", () => {
    const root = mkdtempSync(join(tmpdir(), "fundi-wa-"))
    dirs.push(root)
    const env = { FUNDI_DATABASE_URL: `pglite://${join(root, "db")}` }
    const first = webhookSettings(env)
    const again = webhookSettings(env)
    expect(again).toEqual(first)
    expect(first.appSecret.length).toBeGreaterThanOrEqual(32)
    expect(first.verifyToken).not.toBe(first.appSecret)
    for (const [file, value] of [
      ["whatsapp-app-secret", first.appSecret],
      ["whatsapp-verify-token", first.verifyToken],
    ] as const) {
      expect(readFileSync(join(root, file), "utf8").trim()).toBe(value)
      expect(statSync(join(root, file)).mode & 0o777).toBe(0o600)
    }
    expect(first).toMatchObject({ simulator: true, phoneNumberId: "100000000000001" })
  })

  it("uses the configured secrets as they are, and throwaway ones in memory", () => {
    expect(
      webhookSettings({
        FUNDI_DATABASE_URL: "pglite://memory",
        WHATSAPP_APP_SECRET: "configured-secret",
        WHATSAPP_VERIFY_TOKEN: "configured-token",
      }),
    ).toMatchObject({ appSecret: "configured-secret", verifyToken: "configured-token" })
    const a = webhookSettings({ FUNDI_DATABASE_URL: "pglite://memory" })
    const b = webhookSettings({ FUNDI_DATABASE_URL: "pglite://memory" })
    expect(a.appSecret).not.toBe(b.appSecret)
  })
})
