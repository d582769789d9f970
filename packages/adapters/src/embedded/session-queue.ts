import type { PGlite } from "@electric-sql/pglite"

interface Pending {
  readonly handlerId: number
  readonly message: Uint8Array
  readonly onData: (data: Uint8Array) => void
  readonly resolve: (bytes: number) => void
  readonly reject: (error: unknown) => void
}

const SYNC = 0x53 // 'S': ends an extended-protocol round (Parse, Bind, Describe, Execute...)
const QUERY = 0x51 // 'Q': a simple query is a round of its own
const TERMINATE = 0x58 // 'X'

/**
 * Whether a message ends its connection's round: after it, PGlite's one session may serve
 * another connection (unless a transaction is open). A startup or SSL request has no type
 * byte (its first four bytes are its length) and is answered at once, so it ends one too.
 */
const endsRound = (message: Uint8Array): boolean => {
  const type = message[0]
  return type === SYNC || type === QUERY || type === TERMINATE || type === 0
}

/**
 * The queue through which PGLiteSocketServer feeds every connection's protocol messages to
 * PGlite's single session, replacing the one pglite-socket 0.2.17 ships. Theirs lets another
 * connection in between ANY two messages outside a transaction, so one connection's Bind
 * could land on another's Parse of the unnamed statement: "bind message supplies 2
 * parameters, but prepared statement requires 3", or a query answered with another's rows
 * (shared-session.test.ts shows both against theirs). This one gives the session to one
 * connection from its first message until a round ends (Sync, a simple Query) with no
 * transaction open; the other connections' messages wait, in arrival order.
 *
 * It implements what the server and its connection handlers call (enqueue,
 * getQueueLength, clearQueueForHandler, clearTransactionIfNeeded).
 */
export class SessionQueue {
  private readonly queue: Array<Pending> = []
  private processing = false
  /** The connection the session belongs to until its round ends. */
  private holder: number | undefined

  private readonly db: PGlite

  constructor(db: PGlite) {
    this.db = db
  }

  enqueue(
    handlerId: number,
    message: Uint8Array,
    onData: (data: Uint8Array) => void,
  ): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject })
      void this.process()
    })
  }

  getQueueLength(): number {
    return this.queue.length
  }

  /** A connection went away: its waiting messages fail, and it no longer holds the session. */
  clearQueueForHandler(handlerId: number): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const pending = this.queue[i]
      if (pending?.handlerId === handlerId) {
        this.queue.splice(i, 1)
        pending.reject(new Error("Handler disconnected"))
      }
    }
    if (this.holder === handlerId && !this.db.isInTransaction()) this.release()
  }

  /** A connection that went away inside its transaction: roll it back, free the session. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.holder !== handlerId) return
    // exec takes PGlite's own lock (runExclusive around it would wait on itself forever).
    if (this.db.isInTransaction()) await this.db.exec("rollback")
    this.release()
  }

  private release(): void {
    this.holder = undefined
    void this.process()
  }

  private async process(): Promise<void> {
    if (this.processing) return
    this.processing = true
    try {
      while (this.queue.length > 0) {
        // The holder's next message has not come yet: wait for it (enqueue calls again).
        const index =
          this.holder === undefined ? 0 : this.queue.findIndex((p) => p.handlerId === this.holder)
        if (index === -1) break
        const [pending] = this.queue.splice(index, 1)
        if (pending === undefined) break
        let bytes = 0
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(pending.message, {
              onRawData: (data) => {
                bytes += data.length
                pending.onData(data)
              },
            }),
          )
        } catch (error) {
          // PGlite itself failed (not an SQL error, which is an answer): the round is over.
          this.holder = undefined
          pending.reject(error)
          continue
        }
        this.holder =
          endsRound(pending.message) && !this.db.isInTransaction() ? undefined : pending.handlerId
        pending.resolve(bytes)
      }
    } finally {
      this.processing = false
    }
  }
}
