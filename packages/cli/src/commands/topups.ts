import { writeFile } from "node:fs/promises"
import { extname, resolve } from "node:path"
import type { FundiServices } from "@fundi/adapters"
import {
  approveTopUp,
  getTopUp,
  getTopUpProof,
  type ListTopUpsInput,
  listTopUps,
  rejectTopUp,
  type StoredObject,
  type TopUp,
  type TopUpAction,
  TopUpState,
  type TopUpView,
} from "@fundi/core"
import { type Command, Option } from "commander"
import type { Effect } from "effect"
import { messageOf, Refused } from "../errors.ts"
import { formatCredits, formatMoney } from "../money.ts"
import {
  describeProof,
  formatSize,
  partyFields,
  partyJson,
  shortTime,
  topUpFields,
  topUpJson,
  topUpViewJson,
  writeFields,
  writeJson,
  writeTable,
} from "../output.ts"
import { operatorName, type Session } from "../session.ts"
import {
  collectOneOf,
  type MutatingOptions,
  mutatingCommand,
  type OpsOptions,
  opsCommand,
  parseLimit,
  topUpLabels,
} from "./common.ts"

/** Not decided yet: waiting for the provider's proof, or for ops to review it. */
const open: ReadonlyArray<TopUpState> = ["awaiting_proof", "proof_submitted"]

const extensionOf: Readonly<Record<StoredObject["contentType"], ReadonlyArray<string>>> = {
  "application/pdf": [".pdf"],
  "image/jpeg": [".jpg", ".jpeg"],
  "image/png": [".png"],
}

interface ListOptions extends OpsOptions {
  readonly all?: boolean
  readonly state?: ReadonlyArray<TopUpState>
  readonly provider?: string
  readonly limit?: number
}

interface ShowOptions extends OpsOptions {
  readonly proofOut?: string
}

/**
 * Writes the proof where ops asked, never over an existing file: the path is typed by a
 * person, and a slip should not replace something else they keep.
 */
const writeProof = async (path: string, bytes: Uint8Array): Promise<string> => {
  const target = resolve(path)
  try {
    await writeFile(target, bytes, { flag: "wx" })
  } catch (e) {
    const code = (e as { code?: unknown }).code
    if (code === "EEXIST") {
      throw new Refused(
        `--proof-out: ${path} already exists`,
        "hint: choose another file name, or remove that file first",
      )
    }
    throw new Refused(`--proof-out: cannot write ${path}: ${messageOf(e)}`)
  }
  return target
}

const printList = (session: Session, options: OpsOptions, views: ReadonlyArray<TopUpView>) => {
  if (options.json) {
    writeJson(session.io.stdout, { topUps: views.map(topUpViewJson) })
    return
  }
  writeTable(
    session.io.stdout,
    views,
    [
      { header: "ID", cell: (v) => v.topUp.id },
      { header: "REFERENCE", cell: (v) => v.topUp.reference },
      { header: "STATE", cell: (v) => v.topUp.state },
      { header: "PROVIDER", cell: (v) => v.party.profile.displayName ?? v.party.id },
      { header: "CREDITS", cell: (v) => String(v.topUp.credits), align: "right" },
      {
        header: "AMOUNT",
        cell: (v) => formatMoney(v.topUp.amountMinor, v.topUp.currency),
        align: "right",
      },
      { header: "METHOD", cell: (v) => v.topUp.method },
      {
        header: "PROOF",
        cell: (v) => (v.topUp.proof === undefined ? "-" : describeProof(v.topUp.proof)),
      },
      { header: "CREATED", cell: (v) => shortTime(v.topUp.createdAt) },
    ],
    "no top-ups match",
  )
}

export const registerTopUps = (ops: Command, session: Session): void => {
  const topUps = ops
    .command("topups")
    .description(
      "credit top-ups: match them to bank statements by reference, open the proof, approve or reject",
    )

  opsCommand(topUps.command("list"))
    .description("top-ups awaiting proof or review by default, oldest first")
    .option(
      "--state <state>",
      `only these states, repeatable or comma-separated (${TopUpState.literals.join(", ")}); default: ${open.join(", ")}`,
      collectOneOf(TopUpState.literals),
    )
    .addOption(new Option("--all", "every state, decided ones included").conflicts("state"))
    .option("--provider <id>", "only this provider's top-ups (pty_…)")
    .option("--limit <n>", "at most this many (1-1000)", parseLimit)
    .action(async (options: ListOptions) => {
      operatorName(options.as, session.io.env)
      const states = options.all ? undefined : (options.state ?? open)
      const input: ListTopUpsInput = {
        ...(states !== undefined && { states }),
        ...(options.provider !== undefined && { partyId: options.provider }),
        ...(options.limit !== undefined && { limit: options.limit }),
      }
      const labels =
        options.provider === undefined ? {} : { partyId: `--provider "${options.provider}"` }
      printList(session, options, await session.execute(listTopUps(input), labels))
    })

  opsCommand(topUps.command("show"))
    .description("a top-up with its provider; --proof-out writes the proof of payment to a file")
    .argument("<id>", "top-up id (tpu_…)")
    .option("--proof-out <file>", "write the proof's bytes to this new file, to open it")
    .action(async (id: string, options: ShowOptions) => {
      operatorName(options.as, session.io.env)
      const view = await session.execute(getTopUp({ topUpId: id }), topUpLabels(id))
      let written: { readonly path: string; readonly object: StoredObject } | undefined
      if (options.proofOut !== undefined) {
        const proof = await session.execute(getTopUpProof({ topUpId: id }), topUpLabels(id))
        written = { path: await writeProof(options.proofOut, proof.bytes), object: proof.object }
      }
      const out = session.io.stdout
      if (options.json) {
        writeJson(out, {
          topUp: topUpJson(view.topUp),
          party: partyJson(view.party),
          proofFile: written?.path ?? null,
        })
        return
      }
      writeFields(out, topUpFields(view.topUp))
      out.write("\nprovider\n")
      writeFields(out, partyFields(view.party), "  ")
      if (written !== undefined) {
        out.write(
          `\nproof written to ${written.path} (${written.object.contentType}, ${formatSize(written.object.size)})\n`,
        )
        // The type comes from the bytes; a name that says otherwise would open in the wrong app.
        const ext = extname(written.path).toLowerCase()
        if (!extensionOf[written.object.contentType].includes(ext)) {
          session.io.stderr.write(
            `note: the proof is ${written.object.contentType}: name the file ${extensionOf[written.object.contentType][0]} to open it with the right program\n`,
          )
        }
      }
    })

  const decision = (
    name: string,
    description: string,
    useCase: (input: TopUpAction) => Effect.Effect<TopUp, unknown, FundiServices>,
    headline: (t: TopUp) => string,
  ) =>
    mutatingCommand(topUps.command(name))
      .description(description)
      .argument("<id>", "top-up id (tpu_…)")
      .action(async (id: string, options: MutatingOptions) => {
        const operator = operatorName(options.as, session.io.env)
        const topUp = await session.execute(
          useCase({ topUpId: id, operator, reason: options.reason }),
          topUpLabels(id),
        )
        if (options.json) {
          writeJson(session.io.stdout, { topUp: topUpJson(topUp) })
          return
        }
        session.io.stdout.write(`${headline(topUp)}\n`)
        writeFields(session.io.stdout, topUpFields(topUp), "  ")
      })

  decision(
    "approve",
    "the money arrived: approve the top-up and add its credits to the provider's wallet",
    approveTopUp,
    (t) =>
      `approved top-up ${t.id} (${t.reference}): ${formatCredits(t.credits)} added to ${t.partyId}`,
  )
  decision(
    "reject",
    "refuse the top-up (no matching payment, unreadable proof); --reason is told to the provider",
    rejectTopUp,
    (t) => `rejected top-up ${t.id} (${t.reference}); the provider is told why`,
  )
}
