import { ConfigError, loadConfig } from "./config.ts"

/** What `loadConfig` says is wrong with `env` (none when it loads): for the config tests. */
export const configProblems = (
  env: Record<string, string>,
  cwd?: string,
): ReadonlyArray<string> => {
  try {
    loadConfig(env, cwd)
  } catch (e) {
    if (e instanceof ConfigError) return e.problems
    throw e
  }
  return []
}

/** The least a server database needs (a URL and a link secret), for config tests. */
export const serverEnv = {
  FUNDI_DATABASE_URL: "postgres://u@h/db",
  FUNDI_LINK_SECRET: "0123456789abcdef0123456789abcdef",
}
