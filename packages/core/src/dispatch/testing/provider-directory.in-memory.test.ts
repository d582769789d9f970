import { layerInMemory } from "../../vetting/testing/layer-in-memory.ts"
import { providerDirectoryContract } from "./provider-directory.contract.ts"

providerDirectoryContract("in-memory", () => layerInMemory(), { numRuns: 50 })
