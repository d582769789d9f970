import { layerInMemory } from "../../vetting/testing/layer-in-memory.ts"
import { outboxContract } from "./outbox.contract.ts"

outboxContract("in-memory", () => layerInMemory())
