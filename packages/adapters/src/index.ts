export * from "./composition-root.ts"
export * from "./config.ts"
export {
  type OutboxWorker,
  type OutboxWorkerOptions,
  startOutboxWorker,
} from "./notifications/outbox-worker.ts"
