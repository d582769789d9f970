import { layerInMemory } from "../../vetting/testing/layer-in-memory.ts"
import { secureLinksContract } from "./secure-links.contract.ts"

secureLinksContract("in-memory", () => layerInMemory())
