import { loadConfig, openFundi } from "@fundi/adapters"
import { markReady, signUp, submitRequest } from "@fundi/core"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { Session } from "../session.ts"
import { embeddedEnv, runCli } from "../testing/embedded-cli.ts"
import { defaultServeDeps, serve } from "./serve.ts"

const idle = () => ({ stop: async () => {} })

/**
 * `fundi serve` with `env` until it has started, then stopped as by Ctrl-C; what it printed.
 * Its workers stay idle: the messages are read from the outbox, not sent.
 */
const serveOnce = async (env: Record<string, string>): Promise<string> => {
  let stdout = ""
  const session = new Session(
    {
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: () => {} },
      env: { ...env, PORT: "0" },
    },
    openFundi,
  )
  let stop!: (signal: string) => void
  const stopping = new Promise<string>((resolve) => {
    stop = resolve
  })
  try {
    await serve(
      session,
      {},
      {
        startOutboxWorker: idle,
        startOfferScheduler: idle,
        startInboxWorker: idle,
        startPaymentEventsWorker: idle,
        startSubscriptionScheduler: idle,
        startServer: async (fundi, options) => {
          const server = await defaultServeDeps.startServer(fundi, options)
          stop("SIGTERM")
          return server
        },
        shutdownSignal: () => stopping,
      },
    )
  } finally {
    await session.close()
  }
  return stdout
}

/**
 * Links a CLI command sends point at the server, whatever the operator's shell says: on the
 * embedded database, through the real composition root, each command a separate `fundi`.
 */
describe("the marketplace's public URL on the embedded database", () => {
  it("the server records its URL; a command without FUNDI_PUBLIC_URL sends links to it, one with another is refused", async () => {
    const { env: base } = embeddedEnv("fundi-public-url-")
    const env = { ...base, FUNDI_POLICY: "credits" }
    const server = { ...env, FUNDI_PUBLIC_URL: "https://fundi.example.com" }

    expect(await serveOnce(server)).toMatch(/public URL:\s+https:\/\/fundi\.example\.com\n/)
    expect((await runCli(env, ["dev", "seed", "--cohort", "live"])).code).toBe(0)

    // A homeowner asks for a plumber in Soweto (the seed's Thandi works there); ops release it.
    const app = await openFundi(loadConfig(env))
    const request = await app.runtime
      .runPromise(
        Effect.gen(function* () {
          const customer = yield* signUp({
            kind: "customer",
            phone: "+27820009001",
            channel: "whatsapp",
          })
          const submitted = yield* submitRequest({
            customerId: customer.id,
            category: "plumbing",
            description: "Geyser leaking through the ceiling",
            location: { area: "soweto" },
            mode: "in_person",
            urgency: "urgent",
            availability: "now",
          })
          return yield* markReady({ requestId: submitted.id, operator: "setup" })
        }),
      )
      .finally(() => app.close())

    const dispatched = await runCli(env, [
      "ops",
      "dispatch",
      "run",
      request.id,
      "--reason",
      "urgent geyser",
    ])
    expect(dispatched.stderr).toBe("")
    expect(dispatched.code).toBe(0)
    const outbox = await runCli(env, ["ops", "outbox", "list", "--json"])
    const bodies = (JSON.parse(outbox.stdout) as { messages: Array<{ body: string }> }).messages
      .map((m) => m.body)
      .join("\n")
    expect(bodies).toMatch(/https:\/\/fundi\.example\.com\/l\/\S+/)
    expect(bodies).not.toContain("localhost")

    // The operator's shell names another URL: refused before anything is sent.
    const refused = await runCli({ ...env, FUNDI_PUBLIC_URL: "http://localhost:3000" }, [
      "ops",
      "dispatch",
      "run",
      request.id,
      "--reason",
      "again",
    ])
    expect(refused.code).toBe(78)
    expect(refused.stdout).toBe("")
    expect(refused.stderr).toContain(`server answers at "https://fundi.example.com"`)
    expect(refused.stderr).toContain(`was given "http://localhost:3000"`)
    expect(refused.stderr).toContain("Unset FUNDI_PUBLIC_URL here")

    // Moving the marketplace is restarting its server with the new URL; it says so.
    const moved = await serveOnce({ ...env, FUNDI_PUBLIC_URL: "https://new.example.com" })
    expect(moved).toMatch(
      /public URL:\s+https:\/\/new\.example\.com \(changed from https:\/\/fundi\.example\.com: links sent before point there\)/,
    )
    expect(
      (
        await runCli({ ...env, FUNDI_PUBLIC_URL: "https://new.example.com" }, [
          "ops",
          "outbox",
          "list",
        ])
      ).code,
    ).toBe(0)
  }, 120_000)
})
