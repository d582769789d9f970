import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { dirname } from "node:path"

/**
 * PGlite lets one process open a data directory. This lock file, beside the directory,
 * says which process has it open and, when that process is `fundi serve`, where it shares
 * the database over the Postgres protocol, so other processes can connect instead.
 */
export interface LockHolder {
  readonly pid: number
  readonly command: string
  readonly startedAt: string
  /** Present while the holder serves the database: a unix-socket directory and port. */
  readonly socket?: { readonly host: string; readonly port: number }
}

/** Another live process holds the data directory and does not share it. */
export class DataDirInUse extends Error {
  readonly holder: LockHolder
  constructor(dataDir: string, holder: LockHolder) {
    super(
      `the embedded database ${dataDir} is already open by process ${holder.pid} (${holder.command}, since ${holder.startedAt}). ` +
        "Stop that process first, or point FUNDI_DATABASE_URL at another directory.",
    )
    this.name = "DataDirInUse"
    this.holder = holder
  }
}

export const lockPathFor = (dataDir: string): string => `${dataDir}.lock`

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === "EPERM"
  }
}

const readHolder = (lockPath: string): LockHolder | undefined => {
  try {
    const holder = JSON.parse(readFileSync(lockPath, "utf8")) as LockHolder
    return typeof holder.pid === "number" ? holder : undefined
  } catch {
    return undefined
  }
}

/** The live process holding the directory, if any; a lock left by a dead process is removed. */
export const currentHolder = (dataDir: string): LockHolder | undefined => {
  const lockPath = lockPathFor(dataDir)
  const holder = readHolder(lockPath)
  if (holder === undefined) return undefined
  if (isAlive(holder.pid)) return holder
  rmSync(lockPath, { force: true })
  return undefined
}

export interface DataDirLock {
  /** Records that this process now serves the database at `socket`. */
  readonly announce: (socket: { host: string; port: number }) => void
  readonly release: () => void
}

/**
 * Takes the lock atomically (exclusive create), or throws DataDirInUse naming the holder.
 * A lock whose process is gone is taken over.
 */
export const acquireDataDirLock = (dataDir: string, command: string): DataDirLock => {
  const lockPath = lockPathFor(dataDir)
  mkdirSync(dirname(lockPath), { recursive: true })
  const mine: LockHolder = { pid: process.pid, command, startedAt: new Date().toISOString() }
  for (let attempt = 0; attempt < 3; attempt++) {
    const holder = currentHolder(dataDir)
    if (holder !== undefined) throw new DataDirInUse(dataDir, holder)
    try {
      writeFileSync(lockPath, JSON.stringify(mine), { flag: "wx", mode: 0o600 })
      let released = false
      return {
        announce: (socket) =>
          writeFileSync(lockPath, JSON.stringify({ ...mine, socket }), { mode: 0o600 }),
        release: () => {
          if (released) return
          released = true
          if (readHolder(lockPath)?.pid === process.pid) rmSync(lockPath, { force: true })
        },
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e
      // Someone created it between our check and our write: look again.
    }
  }
  const holder = currentHolder(dataDir)
  if (holder !== undefined) throw new DataDirInUse(dataDir, holder)
  throw new Error(`could not take the lock ${lockPath}`)
}
