import { Effect } from "effect"
import { newApplicationId, type PartyId } from "../../shared/ids.ts"
import { now } from "../../shared/time.ts"
import type { Party } from "../../vetting/domain/party.ts"
import { ApplicationRepository } from "../../vetting/ports/application-repository.ts"
import { PartyRepository } from "../../vetting/ports/party-repository.ts"
import { signUp } from "../../vetting/use-cases/sign-up.ts"
import { grantCredits } from "../../wallet/use-cases/grant-credits.ts"
import { markReady } from "../use-cases/mark-ready.ts"
import { submitRequest } from "../use-cases/submit-request.ts"

/**
 * Arranges a market for the offer use cases: a homeowner and providers who have been
 * vetted already (an approved application, active) and hold credits. Vetting itself has
 * its own journeys; here the approval is written straight to the repositories.
 */
export const vettedProvider = (
  index: number,
  options: {
    readonly credits?: number
    readonly cohort?: "live" | "test"
    readonly categories?: ReadonlyArray<string>
    readonly approved?: boolean
  } = {},
) =>
  Effect.gen(function* () {
    const signed = yield* signUp({
      kind: "provider",
      phone: `+2782${String(1_000_000 + index).padStart(7, "0")}`,
      cohort: options.cohort ?? "live",
      profile: {
        displayName: `Provider ${index}`,
        categories: [...(options.categories ?? ["plumbing"])],
        serviceAreas: ["soweto"],
      },
    })
    const at = yield* now
    const active: Party = { ...signed, status: "active", updatedAt: at }
    yield* (yield* PartyRepository).update(active)
    yield* (yield* ApplicationRepository).insert({
      id: yield* newApplicationId,
      partyId: active.id,
      role: "provider",
      state: options.approved === false ? "rejected" : "approved",
      completeness: 100,
      createdAt: at,
      decidedAt: at,
      decidedBy: "thandi",
      updatedAt: at,
    })
    if ((options.credits ?? 0) > 0) {
      yield* grantCredits({
        partyId: active.id,
        credits: options.credits,
        operator: "thandi",
        reason: "welcome credits for the test",
      })
    }
    return active
  })

export const homeowner = (cohort: "live" | "test" = "live") =>
  signUp({
    kind: "customer",
    phone: "+27831110000",
    cohort,
    channel: "whatsapp",
    profile: { displayName: "Lerato", email: "lerato@example.com" },
  })

export const geyserLeak = {
  category: "plumbing",
  description: "The geyser leaks through the ceiling, call me on +27831110000",
  location: { area: "soweto", street: "12 Vilakazi St" },
  mode: "in_person",
  urgency: "urgent",
  availability: "now",
  photos: ["photos/2026/03/ceiling.jpg"],
} as const

/** A request that ops have reviewed and released for dispatch. */
export const readyRequest = (customerId: PartyId) =>
  Effect.gen(function* () {
    const request = yield* submitRequest({ ...geyserLeak, customerId })
    return yield* markReady({ requestId: request.id, operator: "thandi" })
  })
