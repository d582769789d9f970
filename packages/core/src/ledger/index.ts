export * from "./domain/ledger.errors.ts"
export * from "./domain/ledger.ts"
export * from "./ports/ledger.ts"
