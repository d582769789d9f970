import { describe, it } from "@effect/vitest"
import { requestRepositoryContract } from "@fundi/core/testing"
import { requestChecksSuite } from "./request-repository.suite.ts"
import { layerPostgresTest, testDatabaseUrl } from "./testing.ts"

const url = testDatabaseUrl()

if (url === undefined) {
  describe("RequestRepository on a PostgreSQL server", () => {
    it.skip("skipped: FUNDI_TEST_DATABASE_URL is not set (.ci/run starts a server and sets it)", () => {})
  })
} else {
  requestRepositoryContract("Postgres on a server", () => layerPostgresTest(url))
  requestChecksSuite("PostgreSQL server", url)
}
