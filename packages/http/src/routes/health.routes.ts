import { Health, PersistenceUnavailable } from "@fundi/core"
import { Cause, Exit } from "effect"
import { Hono } from "hono"
import type { RouteDeps } from "../run-effect.ts"

/** Readiness for load balancers and `fundi serve`: is the database reachable? */
export const healthRoutes = (deps: RouteDeps): Hono => {
  const routes = new Hono()

  routes.get("/healthz", async (c) => {
    c.header("Cache-Control", "no-store")
    const exit = await deps.runtime.runPromiseExit(Health.use((health) => health.checkDatabase))
    if (Exit.isSuccess(exit)) return c.json({ status: "ok" }, 200)
    const failure = Cause.findErrorOption(exit.cause)
    if (failure._tag === "Some" && failure.value instanceof PersistenceUnavailable) {
      return c.json({ status: "unavailable", reason: failure.value.message }, 503)
    }
    // Anything else is a bug or a runtime that could not start: log it, say little.
    const errorId = crypto.randomUUID()
    deps.logError({
      errorId,
      method: c.req.method,
      path: c.req.path,
      detail: Cause.pretty(exit.cause),
    })
    return c.json(
      {
        status: "unavailable",
        reason: `the health check failed unexpectedly (reference ${errorId})`,
      },
      503,
    )
  })

  return routes
}
