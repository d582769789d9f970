export * from "./storage/testing/sample-files.ts"
