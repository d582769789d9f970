import {
  ledgerContract,
  ledgerModelTest,
  topUpRepositoryContract,
  walletSettingsContract,
} from "@fundi/core/testing"
import { layerPostgresTest } from "./testing.ts"

// The ledger's and the wallet's contract suites on PGlite in memory, in a file of their
// own so vitest runs them beside the other ports' suites. Every run gets a fresh schema.
const makeLayer = () => layerPostgresTest("pglite://memory")

ledgerContract("Postgres on PGlite", makeLayer)
ledgerModelTest("Postgres on PGlite", makeLayer)
topUpRepositoryContract("Postgres on PGlite", makeLayer)
walletSettingsContract("Postgres on PGlite", makeLayer)
