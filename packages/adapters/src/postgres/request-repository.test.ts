import { requestRepositoryContract } from "@fundi/core/testing"
import { requestChecksSuite } from "./request-repository.suite.ts"
import { layerPostgresTest } from "./testing.ts"

// The port's contract suite on PGlite in memory: every run gets a fresh, migrated schema.
requestRepositoryContract("Postgres on PGlite", () => layerPostgresTest("pglite://memory"))
requestChecksSuite("PGlite", "pglite://memory")
