import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import fc from "fast-check"
import type { Knex } from "knex"
import { ConfigError } from "../config.ts"
import { pinPublicUrl, readRecordedPublicUrl } from "./marketplace-public-url.ts"
import { isolatedDatabase } from "./testing.ts"

/** The URL a process settled on, or the ConfigError's problems as text. */
const outcome = (attempt: Promise<{ readonly url: string }>) =>
  attempt.then(
    ({ url }) => url,
    (e: unknown) => (e instanceof ConfigError ? e.problems.join("\n") : Promise.reject(e)),
  )

const DEFAULT = "http://localhost:3000"
/** The server starting with `url` (FUNDI_PUBLIC_URL set, or the default). */
const server = (knex: Knex, url: string) =>
  pinPublicUrl(knex, { url, set: url !== DEFAULT, server: true })
/** A CLI command without FUNDI_PUBLIC_URL: its own value is the default. */
const unset = (knex: Knex) => pinPublicUrl(knex, { url: DEFAULT, set: false, server: false })
/** A CLI command with FUNDI_PUBLIC_URL=`url`. */
const given = (knex: Knex, url: string) => pinPublicUrl(knex, { url, set: true, server: false })

/** Origins (and a path under one) as FUNDI_PUBLIC_URL holds them: no trailing slash. */
const arbPublicUrl = fc
  .tuple(
    fc.constantFrom("http", "https"),
    fc.domain(),
    fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
    fc.constantFrom("", "/fundi", "/a/b"),
  )
  .map(
    ([scheme, host, port, path]) =>
      `${scheme}://${host}${port === undefined ? "" : `:${port}`}${path}`,
  )

/** `pinPublicUrl` on a database (PGlite in memory, or a server). */
export const marketplacePublicUrlSuite = (name: string, url: string): void => {
  const onFreshDatabase = (body: (knex: Knex) => Promise<void>) =>
    Effect.flatMap(isolatedDatabase(url), ({ knex }) => Effect.promise(() => body(knex)))

  describe(`the marketplace's one public URL: ${name}`, () => {
    it.effect("before any server has started, a process keeps its own and records nothing", () =>
      onFreshDatabase(async (knex) => {
        expect(await unset(knex)).toEqual({ url: DEFAULT, replaced: undefined })
        expect(await outcome(given(knex, "https://a.example.com"))).toBe("https://a.example.com")
        expect(await readRecordedPublicUrl(knex)).toBeUndefined()
      }),
    )

    it.effect(
      "the server records its URL; a process without one takes it, one given another is refused naming both",
      () =>
        onFreshDatabase(async (knex) => {
          expect(await server(knex, "https://fundi.example.com")).toEqual({
            url: "https://fundi.example.com",
            replaced: undefined,
          })
          expect(await readRecordedPublicUrl(knex)).toBe("https://fundi.example.com")
          expect(await outcome(unset(knex))).toBe("https://fundi.example.com")
          // The same URL spelled otherwise is the same URL.
          expect(await outcome(given(knex, "HTTPS://Fundi.Example.com:443"))).toBe(
            "https://fundi.example.com",
          )
          const refused = await outcome(given(knex, DEFAULT))
          expect(refused).toMatch(/^FUNDI_PUBLIC_URL: /)
          expect(refused).toContain(`server answers at "https://fundi.example.com"`)
          expect(refused).toContain(`was given "${DEFAULT}"`)
          expect(refused).toContain("Unset FUNDI_PUBLIC_URL here")
          expect(refused).toContain("restart the server with the new FUNDI_PUBLIC_URL")
          expect(await readRecordedPublicUrl(knex)).toBe("https://fundi.example.com")
        }),
    )

    it.effect(
      "a server started with another URL (or the default) records it and says which it replaced",
      () =>
        onFreshDatabase(async (knex) => {
          await server(knex, "https://old.example.com")
          expect(await server(knex, "https://new.example.com")).toEqual({
            url: "https://new.example.com",
            replaced: "https://old.example.com",
          })
          expect(await server(knex, "https://new.example.com")).toEqual({
            url: "https://new.example.com",
            replaced: undefined,
          })
          expect(await outcome(unset(knex))).toBe("https://new.example.com")
          // Set to the default explicitly, it is recorded like any other.
          expect(await pinPublicUrl(knex, { url: DEFAULT, set: true, server: true })).toEqual({
            url: DEFAULT,
            replaced: "https://new.example.com",
          })
          expect(await outcome(unset(knex))).toBe(DEFAULT)
        }),
    )

    it.effect(
      "a server started without FUNDI_PUBLIC_URL keeps a recorded public URL, and replaces a recorded loopback one with its own",
      () =>
        onFreshDatabase(async (knex) => {
          await fc.assert(
            fc.asyncProperty(
              fc.oneof(
                arbPublicUrl.filter((u) => !new URL(u).hostname.endsWith("localhost")),
                fc.constantFrom(
                  "http://localhost:3987",
                  "http://127.0.0.1:4000",
                  "http://[::1]:3000",
                  "http://app.localhost:3000",
                ),
              ),
              fc.integer({ min: 1024, max: 65535 }),
              async (recorded, port) => {
                await server(knex, recorded)
                const own = `http://localhost:${port}`
                const started = await pinPublicUrl(knex, { url: own, set: false, server: true })
                const loopback =
                  /^http:\/\/(localhost|127\.0\.0\.1|\[::1\]|app\.localhost)[:/]/.test(recorded)
                if (loopback) {
                  expect(started.url).toBe(own)
                  expect(started.keptRecorded).toBeUndefined()
                } else {
                  expect(started).toEqual({
                    url: recorded,
                    replaced: undefined,
                    keptRecorded: true,
                  })
                }
                expect(await readRecordedPublicUrl(knex)).toBe(started.url)
                expect(await outcome(unset(knex))).toBe(started.url)
              },
            ),
            { numRuns: 40 },
          )
        }),
    )

    it.effect(
      "whatever the server recorded: unset takes it, the same is fine, any other is refused",
      () =>
        onFreshDatabase(async (knex) => {
          await fc.assert(
            fc.asyncProperty(arbPublicUrl, arbPublicUrl, async (recorded, other) => {
              await server(knex, recorded)
              expect(await outcome(unset(knex))).toBe(recorded)
              expect(await outcome(given(knex, recorded))).toBe(recorded)
              const answer = await outcome(given(knex, other))
              if (new URL(other).href === new URL(recorded).href) {
                expect(answer).toBe(recorded)
              } else {
                expect(answer).toContain(`answers at "${recorded}"`)
                expect(answer).toContain(`given "${other}"`)
              }
            }),
            { numRuns: 30 },
          )
        }),
    )
  })
}
