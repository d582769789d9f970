import { describe, expect, it } from "@effect/vitest"
import {
  actionId,
  creditsPreset,
  type InboundContent,
  type InboundUpdate,
  Inbox,
  type Instant,
  PartyRepository,
  type Phone,
  processDueInbox,
} from "@fundi/core"
import { layerInMemory, layerPaymentGatewayInMemory } from "@fundi/core/testing"
import { Effect, Layer, Option } from "effect"
import { isolatedDatabase, layerUseCasesOn } from "../postgres/testing.ts"

const phone = "+27820000042" as Phone
const T = 1_780_000_000_000

const message = (id: string, second: number, content: InboundContent): InboundUpdate => ({
  _tag: "message",
  message: { id, channel: "whatsapp", from: phone, at: (T + second * 1_000) as Instant, content },
})

/**
 * QA's delivery: the name (sent at T+5) listed before the "I'm a provider" tap (sent at
 * T+3). Handled in delivery order, the name came first, from an unknown user, and was lost.
 */
const signUpOutOfOrder = Effect.gen(function* () {
  yield* (yield* Inbox).record(
    [
      message("wamid.name", 5, { _tag: "text", body: "Zanele Khoza" }),
      message("wamid.tap", 3, {
        _tag: "button_reply",
        id: actionId.startFlow("sign_up", "provider"),
        title: "I'm a provider",
      }),
    ],
    0 as Instant,
  )
  for (let run = 0; run < 4; run++) yield* processDueInbox({ batchSize: 10, leaseMs: 60_000 })
  const party = Option.getOrThrow(yield* (yield* PartyRepository).findByPhone(phone))
  expect(party).toMatchObject({ kind: "provider", profile: { displayName: "Zanele Khoza" } })
})

describe("one delivery listing a sender's messages out of the order they were sent", () => {
  it.effect("in memory: the tap is handled first, then the name signs them up", () =>
    signUpOutOfOrder.pipe(Effect.provide(layerInMemory(creditsPreset))),
  )

  it.effect("on PGlite: the same", () =>
    Effect.gen(function* () {
      const db = yield* isolatedDatabase("pglite://memory")
      yield* signUpOutOfOrder.pipe(
        Effect.provide(
          Layer.merge(layerUseCasesOn(db.knex, creditsPreset), layerPaymentGatewayInMemory),
        ),
      )
    }).pipe(Effect.scoped),
  )
})
