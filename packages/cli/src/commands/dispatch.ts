import { dispatchRequest } from "@fundi/core"
import type { Command } from "commander"
import type { FieldLabels } from "../errors.ts"
import { shortTime, writeJson, writeTable } from "../output.ts"
import { operatorName, type Session } from "../session.ts"
import { type MutatingOptions, mutatingCommand } from "./common.ts"
import { offerJson } from "./leads.ts"
import { requestJson } from "./requests.ts"

const requestLabels = (id: string): FieldLabels => ({ requestId: `ID "${id}"` })

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
}
