import { Result } from "effect"
import { reachableChannels } from "../../notifications/domain/party-messages.ts"
import type { Application } from "../../vetting/domain/application.ts"
import { isLeadEligible } from "../../vetting/domain/party.ops.ts"
import type { Party } from "../../vetting/domain/party.ts"
import { budgetWeek, checkBudget } from "../../wallet/domain/wallet.ops.ts"
import { type IneligibleReason, ProviderIneligible } from "./dispatch.errors.ts"
import { coversArea, type EligibilityContext, isAvailable } from "./matching.ops.ts"
import type { ServiceRequest } from "./service-request.ts"

/**
 * The matching gates ops may override when they offer a request to a named provider: what
 * the provider does and where, when they are free, how busy they are and what they want to
 * spend are judgement calls ops can make. The application gate, the cohort and "never
 * offered this request before" are not, nor is a provider no lead offer can reach: see
 * `checkOverride`.
 */
export const overridableGates = ["category", "area", "unavailable", "capacity", "budget"] as const
export type OverridableGate = (typeof overridableGates)[number]

const refuse = (provider: Party, reason: IneligibleReason, detail: string) =>
  Result.fail(new ProviderIneligible({ providerId: provider.id, reason, detail }))

/**
 * Whether ops may offer this request to this provider by hand, and which gates that
 * bypasses (for the audit row). Never overridden: the provider must be lead-eligible
 * (active, latest application approved), in the request's cohort (live never meets test),
 * reachable (not opted out of WhatsApp, or with an email address the offer also goes to),
 * and not already offered this request. Every other gate of `isEligible` that fails is
 * listed, in `overridableGates` order; an empty list means matching would have offered it.
 */
export const checkOverride = (
  provider: Party,
  latestApplication: Application | undefined,
  request: ServiceRequest,
  context: EligibilityContext,
): Result.Result<ReadonlyArray<OverridableGate>, ProviderIneligible> => {
  if (!isLeadEligible(provider, latestApplication)) {
    return refuse(
      provider,
      "not_lead_eligible",
      `status ${provider.status}, application ${latestApplication?.state ?? "none"}`,
    )
  }
  if (provider.cohort !== request.cohort) {
    return refuse(provider, "cohort", `${provider.cohort} provider, ${request.cohort} request`)
  }
  if (reachableChannels(provider, context.whatsAppOptedOut).length === 0) {
    // Not a judgement call: the provider withdrew their consent to WhatsApp messages, and an
    // offer nobody hears of only holds the lead until its time-to-live.
    return refuse(provider, "unreachable", "said stop on WhatsApp and has no email address")
  }
  const previous = context.offersOnRequest.find(
    (o) => o.providerId === provider.id && o.requestId === request.id,
  )
  if (previous !== undefined) {
    return refuse(provider, "already_offered", `offer ${previous.id} is ${previous.state}`)
  }
  const fails: Record<OverridableGate, () => boolean> = {
    category: () => !provider.profile.categories.includes(request.category),
    area: () =>
      context.reach.providerId !== provider.id || !coversArea(provider, context.reach, request),
    unavailable: () => !isAvailable(context.reach.availability, request, context.now),
    capacity: () => context.openAssignments >= context.reach.maxOpenAssignments,
    budget: () =>
      context.policy.model === "credits" &&
      context.leadPriceCredits !== undefined &&
      Result.isFailure(
        checkBudget(
          context.weeklyBudget,
          context.spentThisWeek,
          context.leadPriceCredits,
          budgetWeek(context.now, context.policy.timeZone),
        ),
      ),
  }
  return Result.succeed(overridableGates.filter((gate) => fails[gate]()))
}
