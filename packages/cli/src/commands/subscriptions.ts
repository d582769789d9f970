import {
  cancelSubscription,
  listSubscriptions,
  type Payment,
  type Subscription,
  SubscriptionState,
  showSubscription,
} from "@fundi/core"
import { type Command, Option } from "commander"
import { formatMoney } from "../money.ts"
import {
  iso,
  type Json,
  longTime,
  shortTime,
  truncate,
  writeFields,
  writeJson,
  writeTable,
} from "../output.ts"
import { operatorName, type Session } from "../session.ts"
import {
  idLabel,
  type MutatingOptions,
  mutatingCommand,
  type OpsOptions,
  opsCommand,
  parseLimit,
} from "./common.ts"

export const subscriptionJson = (s: Subscription): Json => ({
  id: s.id,
  customerId: s.customerId,
  planId: s.planId,
  planName: s.planName,
  priceMinor: s.priceMinor.toString(),
  currency: s.currency,
  state: s.state,
  currentPeriodStart: iso(s.currentPeriodStart),
  currentPeriodEnd: iso(s.currentPeriodEnd),
  payBy: iso(s.payBy),
  createdAt: iso(s.createdAt),
  updatedAt: iso(s.updatedAt),
  endedAt: iso(s.endedAt),
  endReason: s.endReason ?? null,
})

export const paymentJson = (p: Payment): Json => ({
  id: p.id,
  subscriptionId: p.subscriptionId,
  customerId: p.customerId,
  purpose: p.purpose,
  reference: p.reference,
  amountMinor: p.amountMinor.toString(),
  currency: p.currency,
  state: p.state,
  checkoutUrl: p.checkoutUrl ?? null,
  gatewayTransactionId: p.gatewayTransactionId ?? null,
  channel: p.channel ?? null,
  createdAt: iso(p.createdAt),
  updatedAt: iso(p.updatedAt),
  paidAt: iso(p.paidAt),
  failureReason: p.failureReason ?? null,
})

/** "ZAR 99.00 a month", or "free" for a plan that costs nothing. */
const price = (s: Subscription): string =>
  s.priceMinor === 0n ? "free" : `${formatMoney(s.priceMinor, s.currency)} a month`

/** The one date that matters in the subscription's state. */
const nextDate = (s: Subscription): string => {
  switch (s.state) {
    case "active":
      return s.currentPeriodEnd === undefined ? "no end" : `until ${shortTime(s.currentPeriodEnd)}`
    case "pending_payment":
    case "past_due":
      return `pay by ${shortTime(s.payBy)}`
    default:
      return `ended ${shortTime(s.endedAt)}`
  }
}

const subscriptionFields = (s: Subscription): Array<readonly [string, string]> => {
  const fields: Array<readonly [string, string]> = [
    ["subscription", s.id],
    ["homeowner", s.customerId],
    ["plan", `${s.planName} (${s.planId}), ${price(s)}`],
    ["state", s.state],
  ]
  if (s.currentPeriodStart !== undefined || s.currentPeriodEnd !== undefined) {
    fields.push([
      "period",
      `${longTime(s.currentPeriodStart)} to ${s.currentPeriodEnd === undefined ? "no end" : longTime(s.currentPeriodEnd)}`,
    ])
  }
  if (s.payBy !== undefined && (s.state === "pending_payment" || s.state === "past_due")) {
    fields.push(["pay by", longTime(s.payBy)])
  }
  fields.push(["created", longTime(s.createdAt)])
  if (s.endedAt !== undefined) {
    fields.push(["ended", `${longTime(s.endedAt)}: ${s.endReason ?? "no reason recorded"}`])
  }
  return fields
}

interface ListOptions extends OpsOptions {
  readonly state?: SubscriptionState
  readonly customer?: string
  readonly limit?: number
}

export const registerSubscriptions = (ops: Command, session: Session): void => {
  const subscriptions = ops
    .command("subscriptions")
    .description("homeowners' plans (subscription model): list, show with payments, cancel")

  opsCommand(subscriptions.command("list"))
    .description("subscriptions, newest first")
    .addOption(
      new Option("--state <state>", "only subscriptions in this state").choices(
        SubscriptionState.literals,
      ),
    )
    .option("--customer <id>", "only this homeowner's subscriptions (pty_…)")
    .option("--limit <n>", "at most this many (default 100)", parseLimit)
    .action(async (options: ListOptions) => {
      operatorName(options.as, session.io.env)
      const found = await session.execute(
        listSubscriptions({
          ...(options.state === undefined ? {} : { state: options.state }),
          ...(options.customer === undefined ? {} : { customerId: options.customer }),
          ...(options.limit === undefined ? {} : { limit: options.limit }),
        }),
        { customerId: `--customer "${options.customer ?? ""}"`, state: "--state" },
      )
      const out = session.io.stdout
      if (options.json) {
        writeJson(out, { subscriptions: found.map(subscriptionJson) })
        return
      }
      writeTable(
        out,
        found,
        [
          { header: "ID", cell: (s) => s.id },
          { header: "HOMEOWNER", cell: (s) => s.customerId },
          { header: "PLAN", cell: (s) => s.planName },
          { header: "PRICE", cell: (s) => price(s) },
          { header: "STATE", cell: (s) => s.state },
          { header: "WHEN", cell: (s) => nextDate(s) },
          { header: "CREATED", cell: (s) => shortTime(s.createdAt) },
        ],
        options.state === undefined ? "no subscriptions" : `no ${options.state} subscriptions`,
      )
    })

  opsCommand(subscriptions.command("show"))
    .description("one subscription with its payments")
    .argument("<id>", "subscription id (sub_…), from `fundi ops subscriptions list`")
    .action(async (id: string, options: OpsOptions) => {
      operatorName(options.as, session.io.env)
      const { subscription, payments } = await session.execute(
        showSubscription({ subscriptionId: id }),
        { subscriptionId: idLabel(id) },
      )
      const out = session.io.stdout
      if (options.json) {
        writeJson(out, {
          subscription: subscriptionJson(subscription),
          payments: payments.map(paymentJson),
        })
        return
      }
      writeFields(out, subscriptionFields(subscription))
      out.write("\npayments:\n")
      writeTable(
        out,
        payments,
        [
          { header: "ID", cell: (p) => p.id },
          { header: "REFERENCE", cell: (p) => p.reference },
          {
            header: "FOR",
            cell: (p) => (p.purpose === "subscription_start" ? "start" : "renewal"),
          },
          { header: "AMOUNT", cell: (p) => formatMoney(p.amountMinor, p.currency), align: "right" },
          { header: "STATE", cell: (p) => p.state },
          { header: "PAID", cell: (p) => shortTime(p.paidAt) },
          { header: "NOTE", cell: (p) => truncate(p.failureReason ?? p.channel ?? "-", 60) },
        ],
        "none",
      )
    })

  mutatingCommand(subscriptions.command("cancel"))
    .description("end a subscription now; the operator and reason go into the audit log")
    .argument("<id>", "subscription id (sub_…)")
    .action(async (id: string, options: MutatingOptions) => {
      const operator = operatorName(options.as, session.io.env)
      const subscription = await session.execute(
        cancelSubscription({ subscriptionId: id, operator, reason: options.reason }),
        { subscriptionId: idLabel(id) },
      )
      const out = session.io.stdout
      if (options.json) {
        writeJson(out, { subscription: subscriptionJson(subscription) })
        return
      }
      writeFields(out, subscriptionFields(subscription))
    })
}
