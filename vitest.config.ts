import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["packages/*/src/**/*.test.ts", "packages/*/test/**/*.test.ts", "bench/**/*.test.ts"],
    exclude: ["**/*.integration.test.ts", "**/node_modules/**"],
    // A hang guard, not a timing assertion: property runs on PGlite build a fresh schema each.
    testTimeout: 120_000,
    // Vitest leaves a CPU free by default, which on a 2-CPU machine means one worker; the
    // suite is CPU-bound (PGlite) and its files are independent, so use every CPU.
    maxWorkers: "100%",
    hookTimeout: 60_000,
  },
})
