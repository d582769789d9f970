import { ledgerContract } from "./ledger.contract.ts"
import { layerLedgerInMemoryStandalone } from "./ledger.fake.ts"
import { ledgerModelTest } from "./ledger.model.ts"

ledgerContract("in-memory", layerLedgerInMemoryStandalone)
ledgerModelTest("in-memory", layerLedgerInMemoryStandalone, { numRuns: 100 })
