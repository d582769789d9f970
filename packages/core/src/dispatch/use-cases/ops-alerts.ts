import { Effect } from "effect"
import { Outbox } from "../../notifications/ports/outbox.ts"
import { Policy } from "../../policy/policy-service.ts"
import type { PersistenceUnavailable } from "../../shared/errors.ts"
import { newEventId, newMessageId } from "../../shared/ids.ts"
import { now } from "../../shared/time.ts"
import { unfulfilledAlert } from "../domain/ops-alerts.ts"
import type { ServiceRequest } from "../domain/service-request.ts"

/** Puts the ops alert for an unfulfilled request into the outbox (the caller's transaction). */
export const alertOpsUnfulfilled = (
  request: ServiceRequest,
  offersMade: number,
): Effect.Effect<void, PersistenceUnavailable, Outbox | Policy> =>
  Effect.gen(function* () {
    const drafts = unfulfilledAlert(yield* newEventId, request, offersMade, yield* Policy)
    if (drafts.length === 0) return
    const at = yield* now
    const messages = []
    for (const draft of drafts) {
      messages.push({
        ...draft,
        id: yield* newMessageId,
        status: "pending" as const,
        attempts: 0,
        nextAttemptAt: at,
        createdAt: at,
      })
    }
    yield* (yield* Outbox).enqueue(messages)
  })
