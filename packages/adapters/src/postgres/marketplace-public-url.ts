import type { Knex } from "knex"
import { ConfigError } from "../config.ts"

/** The public URL a process settled on when it opened the database (`pinPublicUrl`). */
export interface SettledPublicUrl {
  /** The origin this process's links, payment pages and webhooks point at. */
  readonly url: string
  /** The server only: the URL recorded before it started, when that was another one. */
  readonly replaced: string | undefined
  /**
   * The server only: it was given no FUNDI_PUBLIC_URL and kept the one recorded by an
   * earlier start, since that was not a loopback address it could be standing in for.
   */
  readonly keptRecorded?: true
}

export interface PublicUrlOptions {
  /** This process's public URL as configured: FUNDI_PUBLIC_URL, or the default. */
  readonly url: string
  /** FUNDI_PUBLIC_URL was set (`url` is it, not the default). */
  readonly set: boolean
  /** The server (`fundi serve`): its URL is the marketplace's, and it records it. */
  readonly server: boolean
}

/**
 * A URL only this machine can open (localhost, 127.0.0.0/8, ::1): what a server's default
 * is, and what a developer's server may replace with its own default on another port.
 */
export const isLoopbackUrl = (url: string): boolean => {
  if (!URL.canParse(url)) return false
  const host = new URL(url).hostname.toLowerCase()
  return (
    host === "localhost" ||
    host.endsWith(".localhost") ||
    host === "[::1]" ||
    /^127(\.\d{1,3}){3}$/.test(host)
  )
}

/** Two spellings of one URL ("HTTPS://Fundi.example.com:443" and "https://fundi.example.com") are one URL. */
const sameUrl = (a: string, b: string): boolean => new URL(a).href === new URL(b).href

/**
 * Makes the links every process issues point at the server. The server, which answers them,
 * records its public URL in `marketplace_settings` (`public_url`) each time it starts; a
 * server given no FUNDI_PUBLIC_URL keeps a recorded URL that is not a loopback one (a
 * restart that lost its environment must not send localhost links to people). Any
 * other process (a CLI command, a worker) that sets no FUNDI_PUBLIC_URL takes the recorded
 * one; one that sets another is refused with a ConfigError naming both, since the links it
 * sent would not reach the server. Nothing recorded yet (no server has started on this
 * database): the process's own, as before.
 */
export const pinPublicUrl = async (
  knex: Knex,
  options: PublicUrlOptions,
): Promise<SettledPublicUrl> => {
  if (options.server) {
    return knex.transaction(async (trx) => {
      // Locked, so two servers starting at once each report what the other replaced.
      const before = await readRecordedPublicUrl(trx, { lock: true })
      if (!options.set && before !== undefined && URL.canParse(before) && !isLoopbackUrl(before)) {
        return { url: before, replaced: undefined, keptRecorded: true }
      }
      await trx.raw(
        `insert into marketplace_settings (name, value) values ('public_url', to_jsonb(?::text))
         on conflict (name) do update set value = excluded.value, updated_at = now()
         where marketplace_settings.value is distinct from excluded.value`,
        [options.url],
      )
      return {
        url: options.url,
        replaced: before !== undefined && !sameUrl(before, options.url) ? before : undefined,
      }
    })
  }
  const recorded = await readRecordedPublicUrl(knex)
  if (recorded === undefined) return { url: options.url, replaced: undefined }
  if (!URL.canParse(recorded)) {
    throw new ConfigError([
      `FUNDI_PUBLIC_URL: the public URL recorded for this database's marketplace ("${recorded}") is not a URL: start the server (\`fundi serve\`) with the right FUNDI_PUBLIC_URL, and it records it`,
    ])
  }
  if (!options.set) return { url: recorded, replaced: undefined }
  if (!sameUrl(recorded, options.url)) {
    throw new ConfigError([
      `FUNDI_PUBLIC_URL: this database's server answers at "${recorded}" (it records its public URL when it starts), but this process was given "${options.url}": links it sends would not reach the server. Unset FUNDI_PUBLIC_URL here to use the recorded one, or set the server's; to move the marketplace to another URL, restart the server with the new FUNDI_PUBLIC_URL.`,
    ])
  }
  return { url: recorded, replaced: undefined }
}

/** The public URL the server recorded when it last started, if one has. */
export const readRecordedPublicUrl = async (
  knex: Knex,
  options: { readonly lock?: boolean } = {},
): Promise<string | undefined> => {
  const { rows } = await knex.raw<{ rows: Array<{ url: string | null }> }>(
    `select value #>> '{}' as url from marketplace_settings where name = 'public_url'${
      options.lock === true ? " for update" : ""
    }`,
  )
  return rows[0]?.url ?? undefined
}
