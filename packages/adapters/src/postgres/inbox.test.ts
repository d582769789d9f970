import { conversationStoreContract, inboxContract } from "@fundi/core/testing"
import { inboxChecksSuite, inboxConcurrencySuite, inboxFixturesSuite } from "./inbox.suite.ts"
import { layerPostgresTest } from "./testing.ts"

// The ports' contract suites on PGlite in memory: every run gets a fresh, migrated schema.
inboxContract("Postgres on PGlite", () => layerPostgresTest("pglite://memory"))
conversationStoreContract("Postgres on PGlite", () => layerPostgresTest("pglite://memory"))
inboxChecksSuite("PGlite", "pglite://memory")
inboxConcurrencySuite("PGlite", "pglite://memory", 4)
inboxFixturesSuite("PGlite", "pglite://memory")
