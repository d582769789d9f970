import { layerInMemory } from "../../vetting/testing/layer-in-memory.ts"
import { topUpRepositoryContract } from "./top-up-repository.contract.ts"
import { walletSettingsContract } from "./wallet-settings.contract.ts"

topUpRepositoryContract("in-memory", () => layerInMemory())
walletSettingsContract("in-memory", () => layerInMemory())
