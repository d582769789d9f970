export * from "./domain/service-request.transitions.ts"
export * from "./domain/service-request.ts"
