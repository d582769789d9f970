import { postgresAdapterSuite } from "./postgres.suite.ts"

// Unit runs use PGlite in memory: one instance per file, a fresh schema per test.
postgresAdapterSuite("PGlite in memory", "pglite://memory")
