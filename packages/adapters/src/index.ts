export * from "./composition-root.ts"
export * from "./config.ts"
export * from "./links/index.ts"
export {
  type OutboxWorker,
  type OutboxWorkerOptions,
  startOutboxWorker,
} from "./notifications/outbox-worker.ts"
export * from "./payments/index.ts"
export * from "./scheduler/index.ts"
export * from "./whatsapp/index.ts"
