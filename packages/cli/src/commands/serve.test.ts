import { afterEach, expect, it } from "vitest"
import { Session } from "../session.ts"
import { type Harness, makeHarness } from "../testing/cli-harness.ts"
import { defaultServeDeps, type ServeDeps, serve } from "./serve.ts"

let h: Harness
afterEach(() => h.dispose())

const deferred = <A>() => {
  let resolve!: (value: A) => void
  const promise = new Promise<A>((r) => {
    resolve = r
  })
  return { promise, resolve }
}

it("serves HTTP on the configured port, says what is configured, and stops cleanly on a signal", async () => {
  h = makeHarness()
  let stdout = ""
  let stderr = ""
  const session = new Session(
    {
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: (t: string) => (stderr += t) },
      env: { PORT: "0", FUNDI_POLICY: "credits" },
    },
    h.open,
  )
  const started = deferred<{ url: string }>()
  const signal = deferred<string>()
  const events: Array<string> = []
  const deps: ServeDeps = {
    startServer: async (fundi, options) => {
      const server = await defaultServeDeps.startServer(fundi, options)
      started.resolve(server)
      return {
        url: server.url,
        close: async () => {
          events.push("server closed")
          await server.close()
        },
      }
    },
    startOutboxWorker: () => {
      events.push("worker started")
      return {
        stop: async () => {
          events.push("worker stopped")
        },
      }
    },
    startOfferScheduler: () => {
      events.push("scheduler started")
      return {
        stop: async () => {
          events.push("scheduler stopped")
        },
      }
    },
    shutdownSignal: () => signal.promise,
  }

  const serving = serve(session, {}, deps)
  const { url } = await started.promise
  const health = await fetch(`${url}/healthz`)
  expect(health.status).toBe(200)

  signal.resolve("SIGTERM")
  await serving
  await session.close()

  expect(stdout).toContain(`Fundi is listening on ${url}`)
  expect(stdout).toMatch(/policy:\s+credits \(credits\)/)
  expect(stdout).toMatch(/database:\s+in-memory \(test\)/)
  expect(stdout).toMatch(/notifications:\s+collected \(test\)/)
  expect(stdout).toMatch(/JSON API:\s+disabled \(set FUNDI_API_KEY\)/)
  expect(stdout).toContain(`simulator at ${url}/dev/whatsapp`)
  expect(stderr).toBe("SIGTERM: shutting down\n")
  // Requests stop first, then the scheduler, then the worker, then the database.
  expect(events).toEqual([
    "worker started",
    "scheduler started",
    "server closed",
    "scheduler stopped",
    "worker stopped",
  ])
  expect(h.closed).toBe(1)
  await expect(fetch(`${url}/healthz`)).rejects.toThrow()
})
