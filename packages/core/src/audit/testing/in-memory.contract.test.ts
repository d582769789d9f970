import { layerInMemory } from "../../vetting/testing/layer-in-memory.ts"
import { auditLogContract } from "./audit-log.contract.ts"

auditLogContract("in-memory", () => layerInMemory())
