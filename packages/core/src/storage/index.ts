export * from "./ports/object-store.ts"
