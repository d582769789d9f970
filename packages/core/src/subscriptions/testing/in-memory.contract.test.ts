import { layerInMemory } from "../../vetting/testing/layer-in-memory.ts"
import { paymentEventsContract } from "./payment-events.contract.ts"
import { subscriptionRepositoryContract } from "./subscription-repository.contract.ts"

subscriptionRepositoryContract("in-memory", () => layerInMemory())
paymentEventsContract("in-memory", () => layerInMemory())
