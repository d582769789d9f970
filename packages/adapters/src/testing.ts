export * from "./storage/testing/sample-files.ts"
export * from "./whatsapp/testing/fake-graph-api.ts"
