import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { ensureLinkSecret, linkSecretFileFor, MIN_LINK_SECRET_LENGTH } from "./link-secret.ts"

const tempDir = () => mkdtempSync(join(tmpdir(), "fundi-link-secret-"))

describe("the embedded default's link secret", () => {
  it("lives beside the data directory", () => {
    expect(linkSecretFileFor("/srv/.fundi/db")).toBe("/srv/.fundi/link-secret")
    expect(linkSecretFileFor("/srv/.fundi/db/")).toBe("/srv/.fundi/link-secret")
  })

  it("is generated once, kept 0600, and the same on the next start", () => {
    const file = join(tempDir(), "nested", "link-secret")
    const first = ensureLinkSecret(file)
    expect(first.length).toBeGreaterThanOrEqual(MIN_LINK_SECRET_LENGTH)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(ensureLinkSecret(file)).toBe(first)
    expect(readFileSync(file, "utf8").trim()).toBe(first)
  })

  it("refuses a file holding a short secret, naming the file", () => {
    const file = join(tempDir(), "link-secret")
    writeFileSync(file, "short\n")
    expect(() => ensureLinkSecret(file)).toThrow(file)
  })
})
