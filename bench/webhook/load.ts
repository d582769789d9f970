// The load generator of `pnpm bench:webhook`, run as a child process (node:child_process
// fork) so its CPU is not the server's event loop. The parent sends one phase at a time
// over IPC; the generator posts signed deliveries at a fixed rate of updates per second
// (open loop: a slow server does not slow the schedule, requests queue for a socket and
// that wait counts in their latency), then answers with what it measured.
import http from "node:http"
import { percentile } from "../ledger/stats.ts"
import { type Delivery, encodeBody, makeDelivery, makeRandom, signature } from "./payloads.ts"

export interface PhaseRequest {
  readonly url: string
  readonly appSecret: string
  readonly runId: string
  readonly seed: number
  /** Updates (messages + statuses) per second, spread over 1-10 per POST. */
  readonly rate: number
  readonly seconds: number
  readonly maxSockets: number
  /** Deliveries are numbered from here, so ids stay unique across phases. */
  readonly firstSeq: number
  /** One POST in this many re-sends an earlier delivery, as WhatsApp's at-least-once does. */
  readonly redeliverEvery: number
  /** Send back every acknowledged key (for the recorded-exactly-once check). */
  readonly returnKeys: boolean
}

export interface PhaseResult {
  readonly rate: number
  readonly seconds: number
  readonly posts: number
  readonly updatesScheduled: number
  readonly updatesAcked: number
  readonly ackedPerSecond: number
  readonly redeliveredPosts: number
  readonly errors: number
  readonly firstError: string | null
  readonly p50: number
  readonly p99: number
  readonly max: number
  /** How late the generator itself sent (p99 of send time minus scheduled time), ms. */
  readonly lagP99: number
  readonly nextSeq: number
  readonly ackedKeys: ReadonlyArray<string>
}

const post = (
  agent: http.Agent,
  url: URL,
  body: string,
  signatureHeader: string,
): Promise<{ readonly status: number; readonly text: string }> =>
  new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          "x-hub-signature-256": signatureHeader,
        },
      },
      (response) => {
        const status = response.statusCode ?? 0
        let text = ""
        response.setEncoding("utf8")
        response.on("data", (chunk: string) => {
          if (text.length < 300) text += chunk
        })
        response.on("end", () => resolve({ status, text }))
        response.on("error", reject)
      },
    )
    request.on("error", reject)
    request.end(body)
  })

export const runPhase = async (phase: PhaseRequest): Promise<PhaseResult> => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: phase.maxSockets })
  const url = new URL("/webhooks/whatsapp", phase.url)
  const random = makeRandom(phase.seed)
  const latencies: Array<number> = []
  const lags: Array<number> = []
  const acked: Array<string> = []
  const recent: Array<Delivery> = []
  let seq = phase.firstSeq
  let posts = 0
  let redeliveredPosts = 0
  let scheduled = 0
  let ackedUpdates = 0
  let errors = 0
  let firstError: string | null = null
  const inFlight = new Set<Promise<void>>()
  const durationMs = phase.seconds * 1000

  const send = (delivery: Delivery, dueAt: number) => {
    const body = encodeBody(delivery.body)
    const sentAt = performance.now()
    lags.push(sentAt - dueAt)
    posts++
    const done = post(agent, url, body, signature(phase.appSecret, body)).then(
      ({ status, text }) => {
        latencies.push(performance.now() - sentAt)
        if (status === 200) {
          ackedUpdates += delivery.keys.length
          if (phase.returnKeys) acked.push(...delivery.keys)
        } else {
          errors++
          firstError ??= `HTTP ${status}: ${text.slice(0, 200)}`
        }
      },
      (error: Error) => {
        latencies.push(performance.now() - sentAt)
        errors++
        firstError ??= error.message
      },
    )
    inFlight.add(done)
    void done.finally(() => inFlight.delete(done))
  }

  const start = performance.now()
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now()
      const elapsed = Math.min(now - start, durationMs)
      // Every update due by now is sent now; a POST is due when the updates before it are.
      while (scheduled < (phase.rate * elapsed) / 1000) {
        const dueAt = start + (scheduled / phase.rate) * 1000
        const redeliver =
          recent.length > 0 && posts % phase.redeliverEvery === phase.redeliverEvery - 1
        const delivery = redeliver
          ? recent[random(recent.length)]!
          : makeDelivery(phase.runId, seq++, random, Date.now())
        if (redeliver) redeliveredPosts++
        else {
          recent.push(delivery)
          if (recent.length > 100) recent.shift()
        }
        scheduled += delivery.keys.length
        send(delivery, dueAt)
      }
      if (now - start >= durationMs) resolve()
      else setTimeout(tick, 1)
    }
    tick()
  })
  const scheduleEnded = performance.now()
  // Let the last requests finish; one that hangs past 30 s counts as an error.
  const drained = await Promise.race([
    Promise.all(inFlight).then(() => true),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 30_000).unref()),
  ])
  if (!drained) {
    errors += inFlight.size
    firstError ??= `${inFlight.size} requests unanswered 30 s after the phase ended`
  }
  agent.destroy()
  latencies.sort((a, b) => a - b)
  lags.sort((a, b) => a - b)
  // Until the last answer: a server that falls behind does not get credit for the backlog.
  const elapsedSeconds = (Math.max(scheduleEnded, performance.now()) - start) / 1000
  return {
    rate: phase.rate,
    seconds: elapsedSeconds,
    posts,
    updatesScheduled: scheduled,
    updatesAcked: ackedUpdates,
    ackedPerSecond: ackedUpdates / elapsedSeconds,
    redeliveredPosts,
    errors,
    firstError,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? Number.NaN,
    lagP99: percentile(lags, 99),
    nextSeq: seq,
    ackedKeys: acked,
  }
}

// As a forked child: one phase per message from the parent, until it disconnects.
if (process.send !== undefined) {
  process.on("message", (phase: PhaseRequest) => {
    runPhase(phase).then(
      (result) => process.send?.({ ok: true, result }),
      (error: Error) => process.send?.({ ok: false, error: error.stack ?? error.message }),
    )
  })
  process.on("disconnect", () => process.exit(0))
}
