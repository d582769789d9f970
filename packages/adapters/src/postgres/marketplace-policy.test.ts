import { marketplacePolicySuite } from "./marketplace-policy.suite.ts"

marketplacePolicySuite("PGlite in memory", "pglite://memory")
