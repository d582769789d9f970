import type { MarketplacePolicy } from "../../../policy/policy.ts"
import type { Flow } from "../flow.ts"
import { choiceStep } from "./steps.ts"

/** "R99.00/month", or "free" for a plan without a monthly price. */
export const planPrice = (policy: MarketplacePolicy, monthlyPriceMinor: number): string =>
  monthlyPriceMinor === 0
    ? "free"
    : `${policy.currency} ${(monthlyPriceMinor / 100).toFixed(2)}/month`

/**
 * A homeowner picks a subscription plan (the subscription model). Its completion calls
 * chooseSubscriptionPlan: a free plan is active at once, a paid one gets a payment link.
 */
export const planFlow: Flow = {
  id: "plan",
  steps: [
    choiceStep({
      flow: "plan",
      id: "plan",
      question: (context) =>
        [
          "Choose your plan:",
          ...context.policy.subscription.plans.map(
            (p) =>
              `${p.name}: ${planPrice(context.policy, p.monthlyPriceMinor)}, ${p.includedVirtualConsultations} video call${p.includedVirtualConsultations === 1 ? "" : "s"} a month included.`,
          ),
        ].join("\n"),
      options: (context) =>
        context.policy.subscription.plans.map((p) => ({
          value: p.id,
          title: p.name,
          description: planPrice(context.policy, p.monthlyPriceMinor),
        })),
      button: "Plans",
    }),
  ],
}
