import { describe, it } from "@effect/vitest"
import { providerDirectoryContract } from "@fundi/core/testing"
import { layerPostgresTest, testDatabaseUrl } from "./testing.ts"

const url = testDatabaseUrl()

if (url === undefined) {
  describe("ProviderDirectory on a PostgreSQL server", () => {
    it.skip("skipped: FUNDI_TEST_DATABASE_URL is not set (.ci/run starts a server and sets it)", () => {})
  })
} else {
  // The same contract, differential property included, against a real server.
  providerDirectoryContract("Postgres on a server", () => layerPostgresTest(url))
}
