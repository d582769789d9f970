import type { DispatchServices } from "../../dispatch/use-cases/services.ts"
import type { SubscriptionServices } from "../../subscriptions/use-cases/services.ts"
import type { VettingServices } from "../../vetting/use-cases/services.ts"
import type { ConversationStore } from "../ports/conversation-store.ts"

/**
 * Every port the conversation engine may need: its own session store, plus whatever the
 * use cases its flows complete with (sign-up, requests, offers, plans) need.
 */
export type ConversationServices =
  | ConversationStore
  | VettingServices
  | DispatchServices
  | SubscriptionServices
