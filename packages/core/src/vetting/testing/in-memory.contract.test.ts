import { applicationRepositoryContract } from "./application-repository.contract.ts"
import { contactBookContract } from "./contact-book.contract.ts"
import { layerInMemory } from "./layer-in-memory.ts"
import { partyRepositoryContract } from "./party-repository.contract.ts"

partyRepositoryContract("in-memory", () => layerInMemory())
applicationRepositoryContract("in-memory", () => layerInMemory())
contactBookContract("in-memory", () => layerInMemory())
