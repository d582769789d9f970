export * from "./offer-scheduler.ts"
