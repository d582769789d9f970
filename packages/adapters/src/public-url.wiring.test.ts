import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type PartyId, PaymentSettings, SecureLinks } from "@fundi/core"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { openFundi } from "./composition-root.ts"
import { ConfigError, loadConfig } from "./config.ts"

const grant = {
  partyId: "pty_00000000000000000001" as PartyId,
  scope: "lead" as const,
  objectId: "ofr_00000000000000000001",
  expiresAt: 4_000_000_000_000 as never,
}

/** What a process that opened with `env` would point people at. */
const pointsAt = async (env: Record<string, string>, serve = false) => {
  const fundi = await openFundi(loadConfig(env), { command: "test", serve })
  try {
    const { link, settings } = await fundi.runtime.runPromise(
      Effect.gen(function* () {
        return {
          link: yield* (yield* SecureLinks).issue(grant),
          settings: yield* PaymentSettings,
        }
      }),
    )
    return {
      link: link.url.replace(link.token, "TOKEN"),
      config: fundi.config,
      settings,
      payments: fundi.payments,
      replaced: fundi.publicUrlReplaced,
      kept: fundi.publicUrlKept,
    }
  } finally {
    await fundi.close()
  }
}

describe("the public URL in the composition root", () => {
  it("a process without FUNDI_PUBLIC_URL points links, payments and webhooks at the server's", async () => {
    const root = mkdtempSync(join(tmpdir(), "fundi-public-url-"))
    const env = { FUNDI_DATABASE_URL: `pglite://${join(root, "db")}` }

    // Before any server: the default, as ever.
    expect((await pointsAt(env)).link).toBe("http://localhost:3000/l/TOKEN")

    const server = await pointsAt({ ...env, FUNDI_PUBLIC_URL: "https://fundi.example.com" }, true)
    expect(server.link).toBe("https://fundi.example.com/l/TOKEN")
    expect(server.replaced).toBeUndefined()

    const cli = await pointsAt(env)
    expect(cli.link).toBe("https://fundi.example.com/l/TOKEN")
    expect(cli.config.publicUrl).toBe("https://fundi.example.com")
    expect(cli.settings).toEqual({
      publicUrl: "https://fundi.example.com",
      payerEmailDomain: "customers.fundi.example.com",
    })
    expect(cli.config.payments).toMatchObject({
      mode: "simulator",
      baseUrl: "https://fundi.example.com/dev/paystack",
      webhookUrl: "https://fundi.example.com/webhooks/paystack",
      payerEmailDomain: "customers.fundi.example.com",
    })
    expect(cli.payments).toContain("https://fundi.example.com/dev/paystack")
    // A domain set for payer emails stays the one set.
    const ownDomain = await pointsAt({ ...env, PAYMENT_EMAIL_DOMAIN: "payers.example.org" })
    expect(ownDomain.settings.payerEmailDomain).toBe("payers.example.org")

    await expect(
      openFundi(loadConfig({ ...env, FUNDI_PUBLIC_URL: "http://localhost:3000" }), {
        command: "test",
      }),
    ).rejects.toBeInstanceOf(ConfigError)

    // The server restarted without the variable keeps the recorded URL: a lost environment
    // must not turn every link it sends into a localhost one.
    const restarted = await pointsAt(env, true)
    expect(restarted.link).toBe("https://fundi.example.com/l/TOKEN")
    expect(restarted.replaced).toBeUndefined()
    expect(restarted.kept).toBe(true)
    expect((await pointsAt(env)).link).toBe("https://fundi.example.com/l/TOKEN")

    // Moving the marketplace is a restart with the new URL set; back to a developer's
    // localhost, likewise, and from there a server on another port takes its own.
    const moved = await pointsAt({ ...env, FUNDI_PUBLIC_URL: "http://localhost:3000" }, true)
    expect(moved.replaced).toBe("https://fundi.example.com")
    const otherPort = await pointsAt({ ...env, PORT: "3987" }, true)
    expect(otherPort.link).toBe("http://localhost:3987/l/TOKEN")
    expect(otherPort.kept).toBe(false)
    expect((await pointsAt(env)).link).toBe("http://localhost:3987/l/TOKEN")
  }, 120_000)
})
