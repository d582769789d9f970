import type { FundiServices } from "@fundi/adapters"
import {
  activateParty,
  type Cohort,
  deactivateParty,
  getParty,
  getProviderReach,
  type ListPartiesInput,
  listParties,
  type Party,
  PartyStatus,
  type PartyView,
  type ProviderReach,
  reinstateParty,
  setProviderReach,
  suspendParty,
} from "@fundi/core"
import { type Command, InvalidArgumentError, Option } from "commander"
import { Effect } from "effect"
import { type FieldLabels, UsageError } from "../errors.ts"
import {
  applicationFields,
  type Json,
  list,
  partyFields,
  partyJson,
  partyViewJson,
  truncate,
  writeFields,
  writeJson,
  writeTable,
} from "../output.ts"
import { operatorName, type Session } from "../session.ts"
import {
  idLabel,
  idLabels,
  type MutatingOptions,
  mutatingCommand,
  type OpsOptions,
  opsCommand,
  parseLimit,
} from "./common.ts"

interface ReachOptions extends MutatingOptions {
  /** A string from --base, false from --no-base, undefined when neither was given. */
  readonly base?: GeoPointOption | false
  readonly radiusKm?: string
  readonly capacity?: string
  readonly always?: boolean
  readonly window?: ReadonlyArray<WindowOption>
}

interface ListOptions extends OpsOptions {
  readonly status?: PartyStatus
  readonly cohort?: Cohort
  readonly limit?: number
}

const printList = (session: Session, options: OpsOptions, views: ReadonlyArray<PartyView>) => {
  if (options.json) {
    writeJson(session.io.stdout, { providers: views.map(partyViewJson) })
    return
  }
  writeTable(
    session.io.stdout,
    views,
    [
      { header: "ID", cell: (v) => v.party.id },
      { header: "STATUS", cell: (v) => v.party.status },
      { header: "NAME", cell: (v) => v.party.profile.displayName ?? "-" },
      { header: "PHONE", cell: (v) => v.party.phone },
      { header: "CATEGORIES", cell: (v) => truncate(list(v.party.profile.categories), 30) },
      { header: "AREAS", cell: (v) => truncate(list(v.party.profile.serviceAreas), 30) },
      { header: "COMPLETE", cell: (v) => `${v.completeness}%`, align: "right" },
      { header: "APPLICATION", cell: (v) => v.latestApplication?.state ?? "-" },
      { header: "LEADS", cell: (v) => (v.leadEligible ? "yes" : "no") },
    ],
    "no providers match",
  )
}

/** Plain data (numbers, strings, arrays, records) as the JSON writer takes it. */
interface GeoPointOption {
  readonly lat: number
  readonly lng: number
}
interface WindowOption {
  readonly start: number
  readonly end: number
}

/** `--base -26.2041,28.0473`: two numbers; their ranges are the domain's to check. */
const parseBase = (value: string): GeoPointOption => {
  const parts = value.split(",").map((p) => p.trim())
  const [lat, lng] = parts.map(Number)
  if (parts.length !== 2 || parts.includes("") || !Number.isFinite(lat) || !Number.isFinite(lng)) {
    throw new InvalidArgumentError("must be LAT,LNG in degrees, e.g. -26.2041,28.0473")
  }
  return { lat: lat as number, lng: lng as number }
}

/** `--window FROM/TO`, repeatable: two ISO times, e.g. 2026-12-01T08:00+02:00/2026-12-01T17:00+02:00. */
const parseWindow = (value: string, previous: ReadonlyArray<WindowOption> = []) => {
  const parts = value.split("/")
  const [start, end] = parts.map((p) => (p.trim() === "" ? Number.NaN : Date.parse(p)))
  if (parts.length !== 2 || !Number.isFinite(start) || !Number.isFinite(end)) {
    throw new InvalidArgumentError(
      "must be FROM/TO as ISO times, e.g. 2026-12-01T08:00+02:00/2026-12-01T17:00+02:00",
    )
  }
  return [...previous, { start: start as number, end: end as number }]
}

/** The reach's schema paths as the flags that set them. */
const reachLabels = (id: string): FieldLabels => ({
  ...idLabels(id),
  providerId: idLabel(id),
  base: "--base",
  "base.radiusKm": "--radius-km",
  "base.point.lat": "--base (latitude)",
  "base.point.lng": "--base (longitude)",
  availability: "--window",
  maxOpenAssignments: "--capacity",
})

const plainJson = (value: object): Json => JSON.parse(JSON.stringify(value)) as Json

/** The reach as people read it: "base -26.2,28.05 within 15 km; always; 3 jobs at once". */
const reachText = (reach: ProviderReach): string => {
  const base =
    reach.base === undefined
      ? "profile areas only"
      : `base ${reach.base.point.lat},${reach.base.point.lng} within ${reach.base.radiusKm} km`
  const when =
    reach.availability._tag === "always"
      ? "available any time"
      : reach.availability.windows
          .map((w) => `${new Date(w.start).toISOString()}/${new Date(w.end).toISOString()}`)
          .join(", ")
  return `${base}; ${when}; up to ${reach.maxOpenAssignments} jobs at once`
}

const printView = (
  session: Session,
  options: OpsOptions,
  view: PartyView,
  reach: { readonly reach: ProviderReach; readonly published: boolean } | undefined,
) => {
  const out = session.io.stdout
  if (options.json) {
    const json = partyViewJson(view) as { [key: string]: Json }
    writeJson(out, reach === undefined ? json : { ...json, reach: plainJson(reach) })
    return
  }
  writeFields(out, [
    ...partyFields(view.party),
    ["completeness", `${view.completeness}%`],
    ["receives leads", view.leadEligible ? "yes" : "no"],
    ...(reach === undefined
      ? []
      : [["reach", `${reachText(reach.reach)}${reach.published ? "" : " (default)"}`] as const]),
  ])
  if (view.latestApplication !== undefined) {
    out.write("\nlatest application\n")
    writeFields(out, applicationFields(view.latestApplication), "  ")
  }
}

export const registerProviders = (ops: Command, session: Session): void => {
  const providers = ops
    .command("providers")
    .description("providers on the marketplace: list, inspect, and change their status")

  opsCommand(providers.command("list"))
    .description("providers, newest first")
    .addOption(new Option("--status <status>", "only this status").choices(PartyStatus.literals))
    .addOption(new Option("--cohort <cohort>", "only this cohort").choices(["live", "test"]))
    .option("--limit <n>", "at most this many (1-1000)", parseLimit)
    .action(async (options: ListOptions) => {
      operatorName(options.as, session.io.env)
      const input: ListPartiesInput = {
        kind: "provider",
        ...(options.status !== undefined && { status: options.status }),
        ...(options.cohort !== undefined && { cohort: options.cohort }),
        ...(options.limit !== undefined && { limit: options.limit }),
      }
      printList(session, options, await session.execute(listParties(input)))
    })

  opsCommand(providers.command("show"))
    .description("a provider's profile, status, lead eligibility and latest application")
    .argument("<id>", "party id (pty_…)")
    .action(async (id: string, options: OpsOptions) => {
      operatorName(options.as, session.io.env)
      const view = await session.execute(getParty({ partyId: id }), idLabels(id))
      const reach = await session.execute(
        getProviderReach(id).pipe(Effect.catchTag("NotAProvider", () => Effect.undefined)),
        idLabels(id),
      )
      printView(session, options, view, reach)
    })

  mutatingCommand(providers.command("reach"))
    .description(
      "where and when a provider works: base and radius, hours, jobs at once (unset parts keep their value)",
    )
    .argument("<id>", "party id (pty_…)")
    .option(
      "--base <lat,lng>",
      "where they work from, e.g. -26.2041,28.0473 (with --radius-km)",
      parseBase,
    )
    .option("--radius-km <km>", "how far from the base they travel")
    .option("--no-base", "cover the profile's areas only")
    .option("--capacity <n>", "most jobs at once")
    .option("--always", "available at any time")
    .option(
      "--window <from/to>",
      "available from/to (ISO times), repeatable; replaces --always",
      parseWindow,
    )
    .action(async (id: string, options: ReachOptions) => {
      const operator = operatorName(options.as, session.io.env)
      const current = await session.execute(getProviderReach(id), idLabels(id))
      const point = options.base === false ? undefined : (options.base ?? current.reach.base?.point)
      const radiusKm = options.radiusKm ?? current.reach.base?.radiusKm
      if (
        options.base !== false &&
        (options.base !== undefined || options.radiusKm !== undefined)
      ) {
        if (point === undefined)
          throw new UsageError("--radius-km needs --base LAT,LNG: the provider has no base yet")
        if (radiusKm === undefined)
          throw new UsageError("--base needs --radius-km KM: the provider has no radius yet")
      }
      const base =
        point === undefined || radiusKm === undefined
          ? undefined
          : { point, radiusKm: Number(radiusKm) }
      const availability =
        options.window !== undefined
          ? { _tag: "windows", windows: options.window }
          : options.always
            ? { _tag: "always" }
            : current.reach.availability
      const reach = await session.execute(
        setProviderReach({
          providerId: id,
          ...(base === undefined ? {} : { base }),
          availability,
          maxOpenAssignments:
            options.capacity === undefined
              ? current.reach.maxOpenAssignments
              : Number(options.capacity),
          operator,
          reason: options.reason,
        }),
        reachLabels(id),
      )
      if (options.json) {
        writeJson(session.io.stdout, { reach: plainJson(reach) })
        return
      }
      session.io.stdout.write(`reach of ${id}: ${reachText(reach)}\n`)
    })

  const change = (
    name: string,
    description: string,
    useCase: (input: unknown) => Effect.Effect<Party, unknown, FundiServices>,
    done: string,
  ) =>
    mutatingCommand(providers.command(name))
      .description(description)
      .argument("<id>", "party id (pty_…)")
      .action(async (id: string, options: MutatingOptions) => {
        const operator = operatorName(options.as, session.io.env)
        const party = await session.execute(
          useCase({ partyId: id, operator, reason: options.reason }),
          idLabels(id),
        )
        if (options.json) {
          writeJson(session.io.stdout, { party: partyJson(party) })
          return
        }
        session.io.stdout.write(`${done} ${party.id}: now ${party.status}\n`)
        writeFields(session.io.stdout, partyFields(party), "  ")
      })

  change(
    "suspend",
    "stop an active provider from receiving leads until reinstated",
    suspendParty,
    "suspended",
  )
  change("reinstate", "make a suspended provider active again", reinstateParty, "reinstated")
  change(
    "deactivate",
    "take an active provider off the marketplace (e.g. at their request)",
    deactivateParty,
    "deactivated",
  )
  change(
    "activate",
    "make an inactive provider with an approved application active again",
    activateParty,
    "activated",
  )
}
