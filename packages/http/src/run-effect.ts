import type {
  ConversationStore,
  DispatchServices,
  Health,
  Inbox,
  SubscriptionServices,
  VettingServices,
  WalletServices,
} from "@fundi/core"
import { type Effect, Exit, type ManagedRuntime } from "effect"
import type { Context } from "hono"
import { causeResponse, type DomainError, type ErrorLogger, sendError } from "./error-response.ts"

/** The services the HTTP edge runs use cases with. */
export type ApiServices =
  | VettingServices
  | WalletServices
  | DispatchServices
  | Health
  // The WhatsApp webhook records deliveries before it answers.
  | Inbox
  // The simulator (/dev/whatsapp) shows a conversation as ops see it.
  | ConversationStore
  // Payment links (/p/…) and the Paystack webhook.
  | SubscriptionServices

/**
 * The runtime the composition root builds. `in R` makes a runtime with more services (say
 * `FundiServices`) assignable here.
 */
export type ApiRuntime = ManagedRuntime.ManagedRuntime<ApiServices, unknown>

export interface RouteDeps {
  readonly runtime: ApiRuntime
  readonly logError: ErrorLogger
}

/**
 * Runs one effect for one request: success goes to `onSuccess`, every failure through the
 * single mapping in error-response.ts. `E extends DomainError` makes a use case that gains
 * a new error fail the typecheck here until the error has an HTTP status.
 */
export const runEffect = async <A, E extends DomainError>(
  c: Context,
  deps: RouteDeps,
  effect: Effect.Effect<A, E, ApiServices>,
  onSuccess: (value: A) => Response,
): Promise<Response> => {
  const exit = await deps.runtime.runPromiseExit(effect)
  if (Exit.isSuccess(exit)) return onSuccess(exit.value)
  return sendError(
    c,
    causeResponse(exit.cause, { method: c.req.method, path: c.req.path }, deps.logError),
  )
}
