export * from "./domain/audit-entry.ts"
export * from "./ports/audit-log.ts"
