import type { ApplicationRepository } from "../../vetting/ports/application-repository.ts"
import type { WalletServices } from "../../wallet/use-cases/services.ts"
import type { OfferRepository } from "../ports/offer-repository.ts"
import type { DispatchServices } from "./services.ts"

/**
 * Every port an offer (lead) use case may need: the dispatch ports, the offers, the
 * applications (the application gate) and the wallet (unlocking spends credits in the same
 * transaction). Kept apart from DispatchServices until the composition root has an
 * OfferRepository adapter to provide.
 */
export type OfferServices =
  | DispatchServices
  | OfferRepository
  | ApplicationRepository
  | WalletServices
