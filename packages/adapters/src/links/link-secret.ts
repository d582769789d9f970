import { randomBytes } from "node:crypto"
import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"

/** The shortest FUNDI_LINK_SECRET accepted: 32 characters (an HMAC-SHA256 key of 256 bits or more). */
export const MIN_LINK_SECRET_LENGTH = 32

/** A fresh random secret (256 bits, base64url). */
export const randomLinkSecret = (): string => randomBytes(32).toString("base64url")

/** Where the embedded default keeps its generated secret: beside the data directory. */
export const linkSecretFileFor = (dataDir: string): string => secretFileFor(dataDir, "link-secret")

/** Where the embedded default keeps a generated secret named `name`: beside the data directory. */
export const secretFileFor = (dataDir: string, name: string): string =>
  join(dirname(dataDir.replace(/\/+$/, "")), name)

/**
 * The embedded default's link secret: read from `file`, or generated once and written there
 * readable by the owner only (0600), so links sent before a restart still open after it.
 * Two processes starting at once both end up with the one that reached the disk first.
 */
export const ensureLinkSecret = (file: string): string =>
  ensureGeneratedSecret(file, {
    variable: "FUNDI_LINK_SECRET",
    consequence: "links already sent stop opening",
  })

/**
 * A secret the embedded default generates once and keeps in `file` (0600), read back on
 * every later start; `variable` is the setting that overrides it, named in the error when
 * the file holds something too short to be one of ours.
 */
export const ensureGeneratedSecret = (
  file: string,
  options: { readonly variable: string; readonly consequence: string },
): string => {
  const read = () => readFileSync(file, "utf8").trim()
  try {
    const existing = read()
    if (existing.length >= MIN_LINK_SECRET_LENGTH) return existing
    throw new Error(
      `${file} holds a secret shorter than ${MIN_LINK_SECRET_LENGTH} characters; delete it to generate a new one (${options.consequence}) or set ${options.variable}`,
    )
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e
  }
  mkdirSync(dirname(file), { recursive: true })
  try {
    writeFileSync(file, `${randomLinkSecret()}\n`, { mode: 0o600, flag: "wx" })
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e
  }
  return read()
}
