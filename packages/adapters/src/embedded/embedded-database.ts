import { mkdirSync, rmSync } from "node:fs"
import { join, resolve } from "node:path"
import { PGlite } from "@electric-sql/pglite"
import { PGLiteSocketServer } from "@electric-sql/pglite-socket"
import knexFactory, { type Knex } from "knex"
import ClientPgLite from "knex-pglite"
import { quietKnexLog } from "../postgres/database.ts"
import { acquireDataDirLock, currentHolder, DataDirInUse } from "./data-dir-lock.ts"
import { SessionQueue } from "./session-queue.ts"

export interface DatabaseHandle {
  readonly knex: Knex
  /** For people: where the data lives and how this process reaches it. */
  readonly description: string
  readonly close: () => Promise<void>
}

// A unix socket path longer than this does not fit in sockaddr_un on Linux (108 bytes).
const MAX_SOCKET_PATH = 100
const SOCKET_PORT = 5432

const pgOverSocket = (host: string, port: number, poolMax: number): Knex =>
  knexFactory({
    client: "pg",
    connection: { host, port, user: "postgres", database: "postgres" },
    pool: { min: 0, max: poolMax },
    log: quietKnexLog,
  })

/**
 * Opens the embedded database in `dataDir`.
 *
 * - When `fundi serve` already has it open, connects to it over the Postgres protocol (the
 *   server shares it on a unix socket beside the directory), so ops commands work while the
 *   server runs.
 * - Otherwise takes the directory lock and opens it in this process. With `serve`, it also
 *   shares it on that socket, and this process's own queries go through the socket too: the
 *   socket's multiplexer keeps each connection's transaction apart, which direct in-process
 *   queries on the same single-session PGlite would not.
 * - A second `serve` on the same directory fails with DataDirInUse.
 */
export const openEmbeddedDatabase = async (
  dataDirOption: string,
  options: { readonly serve: boolean; readonly command: string },
): Promise<DatabaseHandle> => {
  const dataDir = resolve(dataDirOption)
  const holder = currentHolder(dataDir)
  if (holder !== undefined) {
    if (options.serve || holder.socket === undefined) throw new DataDirInUse(dataDir, holder)
    const knex = pgOverSocket(holder.socket.host, holder.socket.port, 2)
    return {
      knex,
      description: `${dataDir} (embedded, shared by process ${holder.pid})`,
      close: () => knex.destroy(),
    }
  }

  const lock = acquireDataDirLock(dataDir, options.command)
  let pglite: PGlite | undefined
  let server: PGLiteSocketServer | undefined
  try {
    mkdirSync(dataDir, { recursive: true })
    pglite = await PGlite.create(dataDir)
    if (!options.serve) {
      const db = pglite
      const knex = knexFactory({
        client: ClientPgLite,
        connection: () => ({ pglite: db }) as object,
      })
      return {
        knex,
        description: `${dataDir} (embedded)`,
        close: async () => {
          await knex.destroy() // knex-pglite closes the PGlite instance with its connection
          if (!db.closed) await db.close()
          lock.release()
        },
      }
    }

    const socketDir = `${dataDir}.sock`
    const socketPath = join(socketDir, `.s.PGSQL.${SOCKET_PORT}`)
    const useUnixSocket = socketPath.length <= MAX_SOCKET_PATH
    if (useUnixSocket) {
      mkdirSync(socketDir, { recursive: true, mode: 0o700 })
      rmSync(socketPath, { force: true })
    }
    server = new PGLiteSocketServer(
      useUnixSocket
        ? { db: pglite, path: socketPath, maxConnections: 64 }
        : { db: pglite, host: "127.0.0.1", port: 0, maxConnections: 64 },
    )
    // pglite-socket's own queue mixes connections' statements: see SessionQueue.
    ;(server as unknown as { queryQueue: SessionQueue }).queryQueue = new SessionQueue(pglite)
    await server.start()
    const endpoint = useUnixSocket
      ? { host: socketDir, port: SOCKET_PORT }
      : { host: "127.0.0.1", port: Number(server.getServerConn().split(":").at(-1)) }
    lock.announce(endpoint)
    const knex = pgOverSocket(endpoint.host, endpoint.port, 8)
    const [db, socketServer] = [pglite, server]
    return {
      knex,
      description: `${dataDir} (embedded, shared on ${useUnixSocket ? socketPath : `${endpoint.host}:${endpoint.port}`})`,
      close: async () => {
        await knex.destroy()
        await socketServer.stop()
        if (!db.closed) await db.close()
        if (useUnixSocket) rmSync(socketPath, { force: true })
        lock.release()
      },
    }
  } catch (e) {
    await server?.stop().catch(() => undefined)
    if (pglite && !pglite.closed) await pglite.close().catch(() => undefined)
    lock.release()
    throw e
  }
}
