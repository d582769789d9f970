import {
  type Application,
  approveApplication,
  type Cohort,
  getParty,
  type Party,
  type ProfilePatch,
  recordBackgroundCheck,
  requestBackgroundCheck,
  signUp,
  startReview,
  submitApplication,
  suspendParty,
} from "@fundi/core"
import { type Command, Option } from "commander"
import { Effect } from "effect"
import { type Json, writeJson, writeTable } from "../output.ts"
import type { Session } from "../session.ts"
import { type JsonOptions, withJson } from "./common.ts"

/** How far through vetting a demo party is taken, always through the real use cases. */
type Stage =
  | "signed-up"
  | "submitted"
  | "in-review"
  | "check-pending"
  | "active"
  | "check-failed"
  | "suspended"

interface DemoParty {
  readonly kind: "provider" | "customer"
  readonly phone: string
  /** What a sign-up sends: the use case decodes and brands it. */
  readonly profile: ProfilePatchInput
  readonly stage: Stage
}

type ProfilePatchInput = typeof ProfilePatch.Encoded

const provider = (
  phone: string,
  name: string,
  categories: ReadonlyArray<string>,
  serviceAreas: ReadonlyArray<string>,
  experienceYears: number,
  bio: string,
  stage: Stage,
): DemoParty => ({
  kind: "provider",
  phone,
  stage,
  profile: {
    displayName: name,
    email: `${name.toLowerCase().replace(/[^a-z]+/g, ".")}@example.com`,
    categories: [...categories],
    serviceAreas: [...serviceAreas],
    experienceYears,
    bio,
    documents: [`demo/${phone.slice(1)}/id-document.pdf`, `demo/${phone.slice(1)}/trade-cert.pdf`],
    availability: "weekdays 08:00-17:00, Saturdays 08:00-12:00",
  },
})

/**
 * The demo marketplace. Phones are in the +27 82 555 01xx block (the test cohort's; the live
 * cohort's copies are in 02xx, see `phoneIn`) so a demo database is recognisable, and
 * `dev seed` finds what an earlier run made by phone.
 */
export const demoParties: ReadonlyArray<DemoParty> = [
  provider(
    "+27825550101",
    "Thandi Nkosi",
    ["plumbing"],
    ["soweto", "johannesburg-south"],
    12,
    "Qualified plumber: geysers, burst pipes, blocked drains.",
    "active",
  ),
  provider(
    "+27825550102",
    "Johan van Wyk",
    ["electrical"],
    ["sandton", "randburg"],
    8,
    "Registered electrician: fault finding, DB boards, compliance certificates.",
    "active",
  ),
  provider(
    "+27825550103",
    "Lerato Mokoena",
    ["painting", "handyman"],
    ["cape-town-cbd", "woodstock"],
    5,
    "Interior and exterior painting, small repairs, flat-pack assembly.",
    "submitted",
  ),
  provider(
    "+27825550104",
    "Ayanda Zulu",
    ["carpentry"],
    ["durban-north", "umhlanga"],
    15,
    "Cupboards, doors, decks and roof trusses.",
    "check-pending",
  ),
  provider(
    "+27825550105",
    "Pieter Botha",
    ["electrical", "solar"],
    ["pretoria-east", "centurion"],
    3,
    "Solar and inverter installations.",
    "check-failed",
  ),
  provider(
    "+27825550106",
    "Nomvula Khumalo",
    ["plumbing", "gas"],
    ["durban-north", "durban-central"],
    10,
    "Plumbing and gas installations, certificates of compliance.",
    "suspended",
  ),
  {
    kind: "customer",
    phone: "+27825550151",
    stage: "signed-up",
    profile: {
      displayName: "Grace Mahlangu",
      categories: ["plumbing", "electrical"],
      serviceAreas: ["soweto"],
    },
  },
  {
    kind: "customer",
    phone: "+27825550152",
    stage: "signed-up",
    profile: {
      displayName: "David Naidoo",
      categories: ["carpentry"],
      serviceAreas: ["durban-north"],
    },
  },
]

export interface SeedOutcome {
  readonly name: string
  readonly kind: "provider" | "customer"
  readonly phone: string
  readonly partyId: string
  /** false when an earlier run had already made this party: it was left as it was. */
  readonly created: boolean
  readonly status: string
  readonly application: Application | undefined
}

const OPERATOR = "fundi dev seed"
const REASON = "demo data"

/**
 * A demo phone in the block of `cohort`: the test cohort's parties keep the 01xx numbers, the
 * live cohort's are the same people at 02xx. A phone belongs to one party, so a live seed after
 * a test seed makes its own parties instead of finding the test ones.
 */
export const phoneIn = (phone: string, cohort: Cohort): string =>
  cohort === "test" ? phone : phone.replace(/01(\d\d)$/, "02$1")

/** Takes one demo party through the use cases to its stage; every step is audited as usual. */
const seedOne = (template: DemoParty, cohort: Cohort) => {
  const demo = { ...template, phone: phoneIn(template.phone, cohort) }
  return Effect.gen(function* () {
    const party: Party = yield* signUp({
      kind: demo.kind,
      phone: demo.phone,
      cohort,
      channel: "whatsapp",
      profile: demo.profile,
    })
    let application: Application | undefined
    let status = party.status
    if (demo.stage !== "signed-up") {
      const act = (applicationId: string) => ({ applicationId, operator: OPERATOR, reason: REASON })
      application = yield* submitApplication({ partyId: party.id })
      if (demo.stage !== "submitted") application = yield* startReview(act(application.id))
      if (demo.stage !== "submitted" && demo.stage !== "in-review") {
        application = yield* requestBackgroundCheck(act(application.id))
      }
      if (demo.stage === "check-failed") {
        application = yield* recordBackgroundCheck({
          ...act(application.id),
          reason: "demo data: criminal record check came back positive",
          result: "failed",
          reference: `demo-${demo.phone.slice(-4)}`,
        })
      }
      if (demo.stage === "active" || demo.stage === "suspended") {
        application = yield* recordBackgroundCheck({
          ...act(application.id),
          result: "passed",
          reference: `demo-${demo.phone.slice(-4)}`,
        })
        application = yield* approveApplication(act(application.id))
      }
      if (demo.stage === "suspended") {
        const suspended = yield* suspendParty({
          partyId: party.id,
          operator: OPERATOR,
          reason: "demo data: repeated no-shows reported by customers",
        })
        status = suspended.status
      } else {
        status = (yield* getParty({ partyId: party.id })).party.status
      }
    }
    return {
      name: demo.profile.displayName ?? demo.phone,
      kind: demo.kind,
      phone: demo.phone,
      partyId: party.id,
      created: true,
      status,
      application,
    } satisfies SeedOutcome
  }).pipe(
    // Idempotence: a party whose phone is taken was made by an earlier run; leave it alone.
    Effect.catchTag("PhoneAlreadyRegistered", (taken) =>
      Effect.map(getParty({ partyId: taken.partyId }), (view) => ({
        name: demo.profile.displayName ?? demo.phone,
        kind: demo.kind,
        phone: demo.phone,
        partyId: view.party.id,
        created: false,
        status: view.party.status,
        application: view.latestApplication,
      })),
    ),
  )
}

export const seed = (cohort: Cohort) => Effect.forEach(demoParties, (demo) => seedOne(demo, cohort))

interface SeedOptions extends JsonOptions {
  readonly cohort: Cohort
}

const outcomeJson = (o: SeedOutcome): Json => ({
  name: o.name,
  kind: o.kind,
  phone: o.phone,
  partyId: o.partyId,
  created: o.created,
  status: o.status,
  applicationId: o.application?.id ?? null,
  applicationState: o.application?.state ?? null,
  reapplyAfter:
    o.application?.reapplyAfter === undefined
      ? null
      : new Date(o.application.reapplyAfter).toISOString(),
})

export const registerDev = (program: Command, session: Session): void => {
  const dev = program.command("dev").description("tools for development and demos")
  withJson(dev.command("seed"))
    .description(
      "make demo providers and customers through the real use cases; a second run changes nothing",
    )
    .addOption(
      new Option("--cohort <cohort>", "cohort of the demo parties; test never meets live")
        .choices(["test", "live"])
        .default("test"),
    )
    .action(async (options: SeedOptions) => {
      // Seeding may start a marketplace: the embedded database is created if missing.
      await session.fundi({ create: true })
      const outcomes = await session.execute(seed(options.cohort))
      if (options.json) {
        writeJson(session.io.stdout, { parties: outcomes.map(outcomeJson) })
        return
      }
      const made = outcomes.filter((o) => o.created).length
      session.io.stdout.write(
        made === 0
          ? `the demo data is already there; nothing changed\n`
          : `made ${made} demo ${made === 1 ? "party" : "parties"} (cohort ${options.cohort})\n`,
      )
      writeTable(
        session.io.stdout,
        outcomes,
        [
          { header: "NAME", cell: (o) => o.name },
          { header: "KIND", cell: (o) => o.kind },
          { header: "PARTY", cell: (o) => o.partyId },
          { header: "STATUS", cell: (o) => o.status },
          { header: "APPLICATION", cell: (o) => o.application?.id ?? "-" },
          {
            header: "STATE",
            cell: (o) =>
              o.application === undefined
                ? "-"
                : o.application.reapplyAfter === undefined
                  ? o.application.state
                  : `${o.application.state} (re-apply from ${new Date(o.application.reapplyAfter).toISOString().slice(0, 10)})`,
          },
          { header: "SEED", cell: (o) => (o.created ? "new" : "already there") },
        ],
        "no demo parties",
      )
    })
}
