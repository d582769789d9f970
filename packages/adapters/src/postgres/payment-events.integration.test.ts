import { describe, it } from "@effect/vitest"
import { paymentEventsContract } from "@fundi/core/testing"
import { paymentEventsChecksSuite } from "./payment-events.suite.ts"
import { layerPostgresTest, testDatabaseUrl } from "./testing.ts"

const url = testDatabaseUrl()

if (url === undefined) {
  describe("PaymentEvents on a PostgreSQL server", () => {
    it.skip("skipped: FUNDI_TEST_DATABASE_URL is not set (.ci/run starts a server and sets it)", () => {})
  })
} else {
  paymentEventsContract("Postgres on a server", () => layerPostgresTest(url))
  // On a server the claimers really run at once, each on its own connection.
  paymentEventsChecksSuite("PostgreSQL server", url)
}
