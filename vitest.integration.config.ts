import { defineConfig } from "vitest/config"

// Tests against a real PostgreSQL server: .ci/run starts one and sets FUNDI_TEST_DATABASE_URL.
export default defineConfig({
  test: {
    include: [
      "packages/*/src/**/*.integration.test.ts",
      "packages/*/test/**/*.integration.test.ts",
    ],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
})
