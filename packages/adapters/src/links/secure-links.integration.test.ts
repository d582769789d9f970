import { describe, it } from "@effect/vitest"
import { secureLinksContract } from "@fundi/core/testing"
import { layerPostgresTest, testDatabaseUrl } from "../postgres/testing.ts"

const url = testDatabaseUrl()

if (url === undefined) {
  describe("SecureLinks on a PostgreSQL server", () => {
    it.skip("skipped: FUNDI_TEST_DATABASE_URL is not set (.ci/run starts a server and sets it)", () => {})
  })
} else {
  secureLinksContract("Postgres on a server", () => layerPostgresTest(url))
}
