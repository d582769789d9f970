import { leadRefundRepositoryContract } from "@fundi/core/testing"
import { leadRefundChecksSuite } from "./lead-refund-repository.suite.ts"
import { layerPostgresTest } from "./testing.ts"

// The port's contract suite on PGlite in memory: every run gets a fresh, migrated schema.
leadRefundRepositoryContract("Postgres on PGlite", () => layerPostgresTest("pglite://memory"))
leadRefundChecksSuite("PGlite", "pglite://memory")
