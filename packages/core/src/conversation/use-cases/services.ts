import type { DispatchServices } from "../../dispatch/use-cases/services.ts"
import type { VettingServices } from "../../vetting/use-cases/services.ts"
import type { ConversationStore } from "../ports/conversation-store.ts"

/**
 * Every port the conversation engine may need: its own session store, plus whatever the
 * use cases its flows complete with (sign-up, requests, offers) need.
 */
export type ConversationServices = ConversationStore | VettingServices | DispatchServices
