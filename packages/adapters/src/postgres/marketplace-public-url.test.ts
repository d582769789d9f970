import { marketplacePublicUrlSuite } from "./marketplace-public-url.suite.ts"

marketplacePublicUrlSuite("PGlite in memory", "pglite://memory")
