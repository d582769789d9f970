import { describe, it } from "@effect/vitest"
import { subscriptionRepositoryContract } from "@fundi/core/testing"
import { subscriptionsChecksSuite } from "./subscription-repository.suite.ts"
import { layerPostgresTest, testDatabaseUrl } from "./testing.ts"

const url = testDatabaseUrl()

if (url === undefined) {
  describe("SubscriptionRepository on a PostgreSQL server", () => {
    it.skip("skipped: FUNDI_TEST_DATABASE_URL is not set (.ci/run starts a server and sets it)", () => {})
  })
} else {
  subscriptionRepositoryContract("Postgres on a server", () => layerPostgresTest(url))
  subscriptionsChecksSuite("PostgreSQL server", url)
}
