import { leadStoreContract } from "@fundi/core/testing"
import { layerPostgresTest } from "./testing.ts"

// lead_lock and the one-statement save on PGlite, against the repositories they stand in for.
leadStoreContract("Postgres on PGlite", () => layerPostgresTest("pglite://memory"))
