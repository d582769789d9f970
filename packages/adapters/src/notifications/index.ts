export * from "./notifier.console.ts"
export * from "./notifier.router.ts"
export * from "./notifier.smtp.ts"
export * from "./outbox-worker.ts"
