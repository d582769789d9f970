import { layerInMemory } from "../../vetting/testing/layer-in-memory.ts"
import { leadStoreContract } from "./lead-store.contract.ts"

// The reference composition over the in-memory repositories.
leadStoreContract("composed from the in-memory repositories", () => layerInMemory())
