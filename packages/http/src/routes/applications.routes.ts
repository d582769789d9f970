import { ApplicationId, ApplicationNotFound, getApplication } from "@fundi/core"
import { Effect, Schema } from "effect"
import { Hono } from "hono"
import { applicationResource } from "../representations.ts"
import { type RouteDeps, runEffect } from "../run-effect.ts"

const isApplicationId = Schema.is(ApplicationId)

/** Reading applications: mounted under /api/v1. */
export const applicationRoutes = (deps: RouteDeps): Hono => {
  const routes = new Hono()

  routes.get("/applications/:applicationId", (c) => {
    const raw = c.req.param("applicationId")
    return runEffect(
      c,
      deps,
      // A malformed id names no application: 404, like an unknown one.
      isApplicationId(raw)
        ? getApplication({ applicationId: raw })
        : Effect.fail(new ApplicationNotFound({ applicationId: raw })),
      (view) => c.json(applicationResource(view), 200),
    )
  })

  return routes
}
