export * from "./policy.ts"
export * from "./policy-service.ts"
export * from "./presets.ts"
