import {
  applicationRepositoryContract,
  auditLogContract,
  contactBookContract,
  outboxContract,
  partyRepositoryContract,
} from "@fundi/core/testing"
import { layerPostgresTest } from "./testing.ts"

// The ports' contract suites on PGlite in memory: every run gets a fresh, migrated schema.
const makeLayer = () => layerPostgresTest("pglite://memory")

partyRepositoryContract("Postgres on PGlite", makeLayer)
applicationRepositoryContract("Postgres on PGlite", makeLayer)
auditLogContract("Postgres on PGlite", makeLayer)
outboxContract("Postgres on PGlite", makeLayer)
contactBookContract("Postgres on PGlite", makeLayer)
