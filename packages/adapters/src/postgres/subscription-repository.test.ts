import { subscriptionRepositoryContract } from "@fundi/core/testing"
import { subscriptionsChecksSuite } from "./subscription-repository.suite.ts"
import { layerPostgresTest } from "./testing.ts"

// The port's contract suite on PGlite in memory: every run gets a fresh, migrated schema.
subscriptionRepositoryContract("Postgres on PGlite", () => layerPostgresTest("pglite://memory"))
subscriptionsChecksSuite("PGlite", "pglite://memory")
