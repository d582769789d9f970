import { Effect, Layer } from "effect"
import { BackgroundCheckUnavailable } from "../domain/vetting.errors.ts"
import { BackgroundCheck } from "../ports/background-check.ts"

/** Ops run the check by hand and record the result; the reference names the application. */
export const layerBackgroundCheckManual: Layer.Layer<BackgroundCheck> = Layer.succeed(
  BackgroundCheck,
  BackgroundCheck.of({
    request: (subject) => Effect.succeed({ reference: `manual-${subject.applicationId}` }),
  }),
)

/** A checking service that is down: every request fails, for testing that nothing changes. */
export const layerBackgroundCheckUnavailable = (detail: string): Layer.Layer<BackgroundCheck> =>
  Layer.succeed(
    BackgroundCheck,
    BackgroundCheck.of({
      request: () => Effect.fail(new BackgroundCheckUnavailable({ detail })),
    }),
  )
