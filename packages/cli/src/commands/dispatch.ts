import { dispatchRequest, overrideDispatch } from "@fundi/core"
import type { Command } from "commander"
import type { FieldLabels } from "../errors.ts"
import { shortTime, writeJson, writeTable } from "../output.ts"
import { operatorName, type Session } from "../session.ts"
import { idLabel, type MutatingOptions, mutatingCommand } from "./common.ts"
import { offerJson } from "./leads.ts"
import { requestJson } from "./requests.ts"

const requestLabels = (id: string): FieldLabels => ({ requestId: idLabel(id) })

interface OverrideOptions extends MutatingOptions {
  readonly provider: string
}

export const registerDispatch = (ops: Command, session: Session): void => {
  const dispatch = ops.command("dispatch").description("offer ready requests to providers")

  mutatingCommand(dispatch.command("run"))
    .description(
      "start (or advance) dispatch of a ready request: offer the lead to the best eligible providers by the policy's strategy",
    )
    .argument("<id>", "request id (req_…)")
    .action(async (id: string, options: MutatingOptions) => {
      const operator = operatorName(options.as, session.io.env)
      const step = await session.execute(
        dispatchRequest({ requestId: id, operator, reason: options.reason }),
        requestLabels(id),
      )
      const out = session.io.stdout
      if (options.json) {
        writeJson(out, {
          request: requestJson(step.request),
          decision: step.decision._tag,
          offered: step.offered.map(offerJson),
        })
        return
      }
      const decision = step.decision
      out.write(
        decision._tag === "Offer"
          ? `request ${step.request.id} offered to ${step.offered.length} provider(s)\n`
          : decision._tag === "Wait"
            ? `request ${step.request.id} waits: ${decision.live} offer(s) still in play\n`
            : `request ${step.request.id} is unfulfilled: no eligible provider is left\n`,
      )
      out.write(`state: ${step.request.state}\n`)
      if (step.offered.length > 0) {
        writeTable(
          out,
          step.offered,
          [
            { header: "OFFER", cell: (o) => o.id },
            { header: "PROVIDER", cell: (o) => o.providerId },
            { header: "EXPIRES", cell: (o) => shortTime(o.expiresAt) },
          ],
          "no offers",
        )
      }
    })

  mutatingCommand(dispatch.command("override"))
    .description(
      "offer a ready or dispatching request to a provider you name: category, area, availability, capacity and budget are overridden (and audited); the application gate, the cohort and one offer per provider still hold",
    )
    .argument("<id>", "request id (req_…)")
    .requiredOption("--provider <id>", "the provider to offer the lead to (pty_…)")
    .action(async (id: string, options: OverrideOptions) => {
      const operator = operatorName(options.as, session.io.env)
      const outcome = await session.execute(
        overrideDispatch({
          requestId: id,
          providerId: options.provider,
          operator,
          reason: options.reason,
        }),
        { ...requestLabels(id), providerId: "--provider" },
      )
      const out = session.io.stdout
      if (options.json) {
        writeJson(out, {
          request: requestJson(outcome.request),
          offer: offerJson(outcome.offer),
          bypassed: [...outcome.bypassed],
        })
        return
      }
      out.write(
        `request ${outcome.request.id} offered to ${outcome.offer.providerId} (offer ${outcome.offer.id})\n`,
      )
      out.write(
        `bypassed: ${outcome.bypassed.length === 0 ? "nothing (matching would have offered it)" : outcome.bypassed.join(", ")}\n`,
      )
      out.write(`expires: ${shortTime(outcome.offer.expiresAt)}\n`)
    })
}
