import { layerInMemory } from "../../vetting/testing/layer-in-memory.ts"
import { offerRepositoryContract } from "./offer-repository.contract.ts"

offerRepositoryContract("in-memory", () => layerInMemory())
