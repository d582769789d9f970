import { describe, it } from "@effect/vitest"
import { marketplacePublicUrlSuite } from "./marketplace-public-url.suite.ts"
import { testDatabaseUrl } from "./testing.ts"

const url = testDatabaseUrl()

if (url === undefined) {
  describe("the marketplace's one public URL on a PostgreSQL server", () => {
    it.skip("skipped: FUNDI_TEST_DATABASE_URL is not set (.ci/run starts a server and sets it)", () => {})
  })
} else {
  marketplacePublicUrlSuite("PostgreSQL server", url)
}
