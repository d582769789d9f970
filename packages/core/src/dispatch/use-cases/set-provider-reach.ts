import { Effect, Option, Schema } from "effect"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import { PartyId } from "../../shared/ids.ts"
import type { PartyNotFound } from "../../vetting/domain/vetting.errors.ts"
import { OperatorName, Reason } from "../../vetting/use-cases/inputs.ts"
import type { NotAProvider } from "../../wallet/domain/wallet.errors.ts"
import { loadProvider } from "../../wallet/use-cases/support.ts"
import { defaultReach, type ProviderReach } from "../domain/provider-reach.ts"
import { GeoPoint, TimeWindow } from "../domain/service-request.ts"
import { ProviderDirectory } from "../ports/provider-directory.ts"
import type { DispatchServices } from "./services.ts"
import { audit, inTransaction } from "./support.ts"

/** Farther than any trade travels: a bigger radius is a typing mistake. */
export const maxRadiusKm = 500
/** More jobs at once than one provider can hold. */
export const maxOpenAssignmentsLimit = 50

const Window = TimeWindow.check(
  Schema.makeFilter((w: TimeWindow) => w.start < w.end, { message: "must end after it starts" }),
)

/** What an operator (or the provider, through ops) sets: the whole reach at once. */
export const SetProviderReachInput = Schema.Struct({
  providerId: PartyId,
  base: Schema.optionalKey(
    Schema.Struct({
      point: GeoPoint,
      radiusKm: Schema.Number.check(Schema.isBetween({ minimum: 0, maximum: maxRadiusKm })),
    }),
  ),
  availability: Schema.Union([
    Schema.TaggedStruct("always", {}),
    Schema.TaggedStruct("windows", {
      windows: Schema.Array(Window).check(Schema.isMinLength(1), Schema.isMaxLength(200)),
    }),
  ]),
  maxOpenAssignments: Schema.Number.check(
    Schema.isInt(),
    Schema.isBetween({ minimum: 1, maximum: maxOpenAssignmentsLimit }),
  ),
  operator: OperatorName,
  reason: Reason,
})

/** Publishes where a provider works, when, and how many jobs they take at once. Audited. */
export const setProviderReach: (
  input: unknown,
) => Effect.Effect<
  ProviderReach,
  InvalidInput | PartyNotFound | NotAProvider | PersistenceUnavailable,
  DispatchServices
> = Effect.fn("setProviderReach")(function* (raw: unknown) {
  const { operator, reason, ...input } = yield* decodeInput(SetProviderReachInput)(raw)
  return yield* inTransaction(
    Effect.gen(function* () {
      const provider = yield* loadProvider(input.providerId, { forUpdate: true })
      const directory = yield* ProviderDirectory
      const before = Option.getOrUndefined(yield* directory.getReach(provider.id))
      const reach: ProviderReach = { ...input, providerId: provider.id }
      yield* directory.putReach(reach)
      yield* audit({
        actor: { _tag: "operator", name: operator },
        action: "provider.reach",
        subjectType: "party",
        subjectId: provider.id,
        reason,
        details: { before: before ?? null, after: reach },
      })
      return reach
    }),
  )
})

/** The reach matching uses for a provider: the published one, else `defaultReach`. */
export const getProviderReach = (
  providerId: string,
): Effect.Effect<
  { readonly reach: ProviderReach; readonly published: boolean },
  PartyNotFound | NotAProvider | PersistenceUnavailable,
  DispatchServices
> =>
  Effect.gen(function* () {
    const provider = yield* loadProvider(providerId as PartyId)
    const stored = yield* (yield* ProviderDirectory).getReach(provider.id)
    return Option.isSome(stored)
      ? { reach: stored.value, published: true }
      : { reach: defaultReach(provider.id), published: false }
  })
