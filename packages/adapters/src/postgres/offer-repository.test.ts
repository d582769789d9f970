import { offerRepositoryContract } from "@fundi/core/testing"
import { offerChecksSuite } from "./offer-repository.suite.ts"
import { layerPostgresTest } from "./testing.ts"

// The port's contract suite on PGlite in memory: every run gets a fresh, migrated schema.
offerRepositoryContract("Postgres on PGlite", () => layerPostgresTest("pglite://memory"))
offerChecksSuite("PGlite", "pglite://memory")
