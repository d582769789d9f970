import { Effect, Layer } from "effect"
import { InMemoryStore } from "../../shared/testing/in-memory-store.ts"
import { WalletSettings, type WalletSettingsRecord } from "../ports/wallet-settings.ts"

export const walletSettingsTable = "wallet_settings"

export const layerWalletSettingsInMemory: Layer.Layer<WalletSettings, never, InMemoryStore> =
  Layer.effect(
    WalletSettings,
    Effect.gen(function* () {
      const store = yield* InMemoryStore
      const rows = () => store.table<WalletSettingsRecord>(walletSettingsTable)
      return WalletSettings.of({
        get: (partyId) =>
          Effect.andThen(
            store.read,
            Effect.sync(() => rows().get(partyId) ?? { partyId }),
          ),
        put: (settings) =>
          Effect.andThen(
            store.write,
            Effect.sync(() => {
              // Stored without absent keys, as a row with a NULL column reads back.
              const { partyId, weeklyCreditBudget } = settings
              rows().set(
                partyId,
                weeklyCreditBudget === undefined ? { partyId } : { partyId, weeklyCreditBudget },
              )
            }),
          ),
      })
    }),
  )
