import { conversationStoreContract, inboxContract } from "@fundi/core/testing"
import { describe, it } from "vitest"
import { inboxChecksSuite, inboxConcurrencySuite } from "./inbox.suite.ts"
import { layerPostgresTest, testDatabaseUrl } from "./testing.ts"

const url = testDatabaseUrl()

if (url === undefined) {
  describe("Inbox and ConversationStore on a PostgreSQL server", () => {
    it.skip("skipped: FUNDI_TEST_DATABASE_URL is not set (.ci/run starts a server and sets it)", () => {})
  })
} else {
  inboxContract("Postgres on a server", () => layerPostgresTest(url), { numRuns: 8 })
  conversationStoreContract("Postgres on a server", () => layerPostgresTest(url), { numRuns: 8 })
  inboxChecksSuite("PostgreSQL server", url)
  inboxConcurrencySuite("PostgreSQL server", url, 8)
}
