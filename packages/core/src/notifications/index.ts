export * from "./domain/notifications.errors.ts"
export * from "./domain/outbox-message.ts"
export * from "./ports/notifier.ts"
export * from "./ports/outbox.ts"
