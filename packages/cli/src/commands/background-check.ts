import {
  type Application,
  BackgroundCheckResult,
  recordBackgroundCheck,
  requestBackgroundCheck,
} from "@fundi/core"
import { type Command, Option } from "commander"
import { longTime } from "../output.ts"
import { operatorName, type Session } from "../session.ts"
import { printApplication } from "./applications.ts"
import { idLabels, type MutatingOptions, mutatingCommand } from "./common.ts"

interface RecordOptions extends MutatingOptions {
  readonly result: BackgroundCheckResult
  readonly reference?: string
}

const recordedHeadline = (a: Application): string =>
  a.state === "rejected"
    ? `background check failed: application ${a.id} is rejected; the applicant may re-apply from ${longTime(a.reapplyAfter)}`
    : `background check ${a.backgroundCheck?.result ?? "recorded"} for application ${a.id}: it can now be approved`

export const registerBackgroundCheck = (ops: Command, session: Session): void => {
  const check = ops
    .command("background-check")
    .description("ask for an applicant's background check and record its result")

  mutatingCommand(check.command("request"))
    .description("ask the background-check service to check an application under review")
    .argument("<id>", "application id (app_…)")
    .action(async (id: string, options: MutatingOptions) => {
      const operator = operatorName(options.as, session.io.env)
      const application = await session.execute(
        requestBackgroundCheck({ applicationId: id, operator, reason: options.reason }),
        idLabels(id),
      )
      printApplication(
        session,
        options,
        `background check requested for application ${application.id} (ref ${application.backgroundCheck?.reference ?? "-"})`,
        application,
      )
    })

  mutatingCommand(check.command("record"))
    .description("record the result of a background check; a failed one rejects the application")
    .argument("<id>", "application id (app_…)")
    .addOption(
      new Option("--result <result>", "what the check found")
        .choices(BackgroundCheckResult.literals)
        .makeOptionMandatory(),
    )
    .option("--reference <ref>", "the checking service's reference, from its report")
    .action(async (id: string, options: RecordOptions) => {
      const operator = operatorName(options.as, session.io.env)
      const application = await session.execute(
        recordBackgroundCheck({
          applicationId: id,
          operator,
          reason: options.reason,
          result: options.result,
          ...(options.reference !== undefined && { reference: options.reference }),
        }),
        idLabels(id),
      )
      printApplication(session, options, recordedHeadline(application), application)
    })
}
