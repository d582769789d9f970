import { Effect, Schema } from "effect"
import { Policy } from "../../policy/policy-service.ts"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import { SubscriptionId } from "../../shared/ids.ts"
import { now } from "../../shared/time.ts"
import type { TransitionNotAllowed } from "../../vetting/domain/vetting.errors.ts"
import { OperatorName, Reason } from "../../vetting/use-cases/inputs.ts"
import { cancelledMessage } from "../domain/subscription.messages.ts"
import { transitionSubscription } from "../domain/subscription.ops.ts"
import type { Subscription } from "../domain/subscription.ts"
import type { SubscriptionNotFound } from "../domain/subscriptions.errors.ts"
import type { SubscriptionServices } from "./services.ts"
import {
  audit,
  customerOf,
  endSubscription,
  inTransaction,
  loadSubscription,
  subscriptionDetails,
  tell,
} from "./support.ts"

export const CancelSubscriptionInput = Schema.Struct({
  subscriptionId: SubscriptionId,
  operator: OperatorName,
  reason: Reason,
})
export type CancelSubscriptionInput = typeof CancelSubscriptionInput.Encoded

/**
 * An operator ends a subscription (a refund agreed, a mistake, abuse). Its open payments
 * close, the homeowner is told why, and it is audited. An ended subscription stays ended:
 * cancelling it again is TransitionNotAllowed.
 */
export const cancelSubscription: (
  input: unknown,
) => Effect.Effect<
  Subscription,
  InvalidInput | PersistenceUnavailable | SubscriptionNotFound | TransitionNotAllowed,
  SubscriptionServices
> = Effect.fn("cancelSubscription")(function* (raw: unknown) {
  const input = yield* decodeInput(CancelSubscriptionInput)(raw)
  return yield* inTransaction(
    Effect.gen(function* () {
      const subscription = yield* loadSubscription(input.subscriptionId, { forUpdate: true })
      const at = yield* now
      const command = { _tag: "Cancel", by: input.operator, reason: input.reason } as const
      // Checked before anything is written, so a refusal leaves no trace.
      yield* Effect.fromResult(transitionSubscription(subscription, command, at))
      const cancelled = yield* endSubscription(subscription, command, at)
      const party = yield* customerOf(subscription)
      yield* tell(party, cancelledMessage(party, yield* Policy, cancelled, input.reason))
      yield* audit({
        actor: { _tag: "operator", name: input.operator },
        action: "subscription.cancel",
        subjectType: "subscription",
        subjectId: subscription.id,
        reason: input.reason,
        details: { ...subscriptionDetails(cancelled), from: subscription.state },
      })
      return cancelled
    }),
  )
})
