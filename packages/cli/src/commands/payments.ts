import { listPaymentEvents, type PaymentEvent } from "@fundi/core"
import type { Command } from "commander"
import { iso, type Json, shortTime, truncate, writeJson, writeTable } from "../output.ts"
import { operatorName, type Session } from "../session.ts"
import { type OpsOptions, opsCommand, parseLimit } from "./common.ts"

export const paymentEventJson = (e: PaymentEvent): Json => ({
  key: e.key,
  gateway: e.gateway,
  event: e.event,
  reference: e.reference ?? null,
  state: e.state,
  attempts: e.attempts,
  receivedAt: iso(e.receivedAt),
  nextAttemptAt: iso(e.nextAttemptAt),
  processedAt: iso(e.processedAt),
  outcome: e.outcome ?? null,
  lastError: e.lastError ?? null,
  // The gateway's own JSON, as received: ops compare it with the gateway's dashboard.
  payload: JSON.parse(JSON.stringify(e.payload ?? null)) as Json,
})

interface EventsOptions extends OpsOptions {
  readonly failed?: boolean
  readonly limit?: number
}

export const registerPayments = (ops: Command, session: Session): void => {
  const payments = ops
    .command("payments")
    .description("card/EFT payments through the gateway (Paystack): its webhook events")

  opsCommand(payments.command("events"))
    .description("webhook events from the payment gateway, newest first, with what became of each")
    .option("--failed", "only events given up on after their retries (they need ops)")
    .option("--limit <n>", "at most this many (default 100)", parseLimit)
    .action(async (options: EventsOptions) => {
      operatorName(options.as, session.io.env)
      const events = await session.execute(
        listPaymentEvents({
          ...(options.failed === true ? { failed: true } : {}),
          ...(options.limit === undefined ? {} : { limit: options.limit }),
        }),
      )
      const out = session.io.stdout
      if (options.json) {
        writeJson(out, { events: events.map(paymentEventJson) })
        return
      }
      writeTable(
        out,
        events,
        [
          { header: "KEY", cell: (e) => e.key },
          { header: "REFERENCE", cell: (e) => e.reference ?? "-" },
          { header: "STATE", cell: (e) => e.state },
          { header: "TRIES", cell: (e) => String(e.attempts), align: "right" },
          { header: "RECEIVED", cell: (e) => shortTime(e.receivedAt) },
          {
            header: "OUTCOME",
            cell: (e) =>
              truncate(
                e.state === "processed" || e.state === "ignored"
                  ? (e.outcome ?? "-")
                  : (e.lastError ?? "-"),
                60,
              ),
          },
        ],
        options.failed === true ? "no failed payment events" : "no payment events",
      )
    })
}
