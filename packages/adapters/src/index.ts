export * from "./composition-root.ts"
export * from "./config.ts"
