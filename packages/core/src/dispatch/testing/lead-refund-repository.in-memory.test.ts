import { layerInMemory } from "../../vetting/testing/layer-in-memory.ts"
import { leadRefundRepositoryContract } from "./lead-refund-repository.contract.ts"

leadRefundRepositoryContract("in-memory", () => layerInMemory())
