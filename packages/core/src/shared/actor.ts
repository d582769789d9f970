import { Schema } from "effect"

/** Who did something: an operator (by name), a party acting for itself, or the system. */
export const Actor = Schema.Union([
  Schema.TaggedStruct("operator", { name: Schema.NonEmptyString }),
  Schema.TaggedStruct("party", { partyId: Schema.String }),
  Schema.TaggedStruct("system", { process: Schema.String }),
])
export type Actor = typeof Actor.Type

export const operator = (name: string): Actor => ({ _tag: "operator", name })
export const describeActor = (actor: Actor): string =>
  actor._tag === "operator"
    ? actor.name
    : actor._tag === "party"
      ? `party:${actor.partyId}`
      : `system:${actor.process}`
