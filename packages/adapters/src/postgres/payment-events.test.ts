import { paymentEventsContract } from "@fundi/core/testing"
import { paymentEventsChecksSuite } from "./payment-events.suite.ts"
import { layerPostgresTest } from "./testing.ts"

// The port's contract suite on PGlite in memory: every run gets a fresh, migrated schema.
paymentEventsContract("Postgres on PGlite", () => layerPostgresTest("pglite://memory"))
paymentEventsChecksSuite("PGlite", "pglite://memory")
