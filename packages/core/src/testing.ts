// `@fundi/core/testing`: in-memory adapters for every port, fast-check arbitraries for
// every domain type, and the contract suites that every adapter of a port must pass.
// The contract suites declare vitest tests: import this module from test files only.

export * from "./audit/testing/audit.arbitraries.ts"
export * from "./audit/testing/audit-log.contract.ts"
export * from "./audit/testing/audit-log.fake.ts"
export * from "./notifications/testing/outbox.arbitraries.ts"
export * from "./notifications/testing/outbox.contract.ts"
export * from "./notifications/testing/outbox.fake.ts"
export * from "./policy/testing/policy.arbitraries.ts"
export * from "./shared/testing/contract-kit.ts"
export * from "./shared/testing/in-memory-store.ts"
export * from "./shared/testing/shared.arbitraries.ts"
export * from "./vetting/testing/application-repository.contract.ts"
export * from "./vetting/testing/application-repository.fake.ts"
export * from "./vetting/testing/background-check.fake.ts"
export * from "./vetting/testing/contact-book.contract.ts"
export * from "./vetting/testing/contact-book.fake.ts"
export * from "./vetting/testing/layer-in-memory.ts"
export * from "./vetting/testing/party-repository.contract.ts"
export * from "./vetting/testing/party-repository.fake.ts"
export * from "./vetting/testing/vetting.arbitraries.ts"
