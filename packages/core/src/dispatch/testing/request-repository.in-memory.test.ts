import { layerInMemory } from "../../vetting/testing/layer-in-memory.ts"
import { requestRepositoryContract } from "./request-repository.contract.ts"

requestRepositoryContract("in-memory", () => layerInMemory())
