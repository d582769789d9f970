export * from "./link-secret.ts"
export * from "./link-token.ts"
export * from "./secure-links.knex.ts"
