import { BackgroundCheck } from "@fundi/core"
import { Effect, Layer } from "effect"

/**
 * The embedded default: no checking service is called. The check is done outside Fundi
 * (a police clearance, a reference call…) and ops record the result with
 * `fundi ops background-check record`. The reference ties the record to the application.
 */
export const layerBackgroundCheckManual = Layer.succeed(
  BackgroundCheck,
  BackgroundCheck.of({
    request: ({ applicationId }) => Effect.succeed({ reference: `manual-${applicationId}` }),
  }),
)
