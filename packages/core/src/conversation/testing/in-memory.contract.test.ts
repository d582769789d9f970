import { layerInMemory } from "../../vetting/testing/layer-in-memory.ts"
import { conversationStoreContract } from "./conversation-store.contract.ts"
import { inboxContract } from "./inbox.contract.ts"

inboxContract("in-memory", () => layerInMemory())
conversationStoreContract("in-memory", () => layerInMemory())
