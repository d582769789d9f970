import type { AddressInfo } from "node:net"
import { SMTPServer } from "smtp-server"

/** One message as the server received it. */
export interface ReceivedMail {
  /** The envelope sender (MAIL FROM). */
  readonly mailFrom: string
  /** The envelope recipients (RCPT TO). */
  readonly rcptTo: ReadonlyArray<string>
  /** Header names in lower case, folded lines joined. */
  readonly headers: ReadonlyMap<string, string>
  /** The body with CRLF turned into LF. */
  readonly body: string
  readonly user: string | undefined
}

export interface SmtpTestServerOptions {
  /** When set, clients must log in with these (AUTH PLAIN/LOGIN over plain text). */
  readonly auth?: { readonly user: string; readonly pass: string }
  /** Reject a recipient with this SMTP reply, e.g. `{ code: 550, text: "mailbox unavailable" }`. */
  readonly rejectRecipient?: (
    address: string,
  ) => { readonly code: number; readonly text: string } | undefined
}

export interface SmtpTestServer {
  readonly port: number
  /** `smtp://[user:pass@]127.0.0.1:port`, ready for the SMTP notifier. */
  readonly url: string
  readonly received: ReadonlyArray<ReceivedMail>
  readonly close: () => Promise<void>
}

const parseMessage = (raw: string): { headers: Map<string, string>; body: string } => {
  const text = raw.replace(/\r\n/g, "\n")
  const split = text.indexOf("\n\n")
  const head = split === -1 ? text : text.slice(0, split)
  const body = split === -1 ? "" : text.slice(split + 2)
  const headers = new Map<string, string>()
  let last: string | undefined
  for (const line of head.split("\n")) {
    if (/^[ \t]/.test(line) && last !== undefined) {
      headers.set(last, `${headers.get(last)} ${line.trim()}`)
      continue
    }
    const colon = line.indexOf(":")
    if (colon === -1) continue
    last = line.slice(0, colon).trim().toLowerCase()
    headers.set(last, line.slice(colon + 1).trim())
  }
  return { headers, body }
}

/**
 * A real SMTP server (the `smtp-server` package) on 127.0.0.1 and a random port, that keeps
 * what it receives in memory. No TLS: STARTTLS is not offered, so clients speak plain SMTP.
 */
export const startSmtpTestServer = async (
  options: SmtpTestServerOptions = {},
): Promise<SmtpTestServer> => {
  const received: ReceivedMail[] = []
  const server = new SMTPServer({
    logger: false,
    disabledCommands: options.auth === undefined ? ["STARTTLS", "AUTH"] : ["STARTTLS"],
    authOptional: options.auth === undefined,
    allowInsecureAuth: true,
    onAuth: (auth, _session, callback) => {
      if (auth.username === options.auth?.user && auth.password === options.auth?.pass) {
        callback(null, { user: auth.username })
      } else {
        callback(Object.assign(new Error("Invalid username or password"), { responseCode: 535 }))
      }
    },
    onRcptTo: (address, _session, callback) => {
      const rejection = options.rejectRecipient?.(address.address)
      if (rejection === undefined) callback()
      else callback(Object.assign(new Error(rejection.text), { responseCode: rejection.code }))
    },
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = []
      stream.on("data", (chunk: Buffer) => chunks.push(chunk))
      stream.on("end", () => {
        const { headers, body } = parseMessage(Buffer.concat(chunks).toString("utf8"))
        received.push({
          mailFrom: session.envelope.mailFrom === false ? "" : session.envelope.mailFrom.address,
          rcptTo: session.envelope.rcptTo.map((r) => r.address),
          headers,
          body,
          user: typeof session.user === "string" ? session.user : undefined,
        })
        callback()
      })
    },
  })

  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject)
    const listener = server.listen(0, "127.0.0.1", () => {
      resolve((listener.address() as AddressInfo).port)
    })
  })
  const credentials =
    options.auth === undefined
      ? ""
      : `${encodeURIComponent(options.auth.user)}:${encodeURIComponent(options.auth.pass)}@`

  let closed: Promise<void> | undefined
  return {
    port,
    url: `smtp://${credentials}127.0.0.1:${port}`,
    received,
    close: () => {
      closed ??= new Promise((resolve) => server.close(() => resolve()))
      return closed
    },
  }
}
