import { providerDirectoryContract } from "@fundi/core/testing"
import { layerPostgresTest } from "./testing.ts"

// The port's contract suite, differential property included, on PGlite in memory: every
// run gets a fresh, migrated schema.
providerDirectoryContract("Postgres on PGlite", () => layerPostgresTest("pglite://memory"))
