import { ledgerAdapterSuite } from "./ledger.suite.ts"

// Unit runs use PGlite in memory: one instance per file, a fresh schema per test.
ledgerAdapterSuite("PGlite in memory", "pglite://memory")
