import { WalletSettings } from "@fundi/core"
import { Effect, Layer } from "effect"
import type { Knex } from "knex"
import { query } from "./executor.ts"
import { optional } from "./rows.ts"

interface WalletSettingsRow {
  readonly party_id: string
  readonly weekly_credit_budget: number | null
}

const TABLE = "wallet_settings"

export const makeWalletSettings = (knex: Knex): WalletSettings["Service"] =>
  WalletSettings.of({
    get: (partyId) =>
      query(knex, "wallet_settings.get", (db) =>
        db<WalletSettingsRow>(TABLE).where({ party_id: partyId }),
      ).pipe(
        Effect.map((rows) => ({
          partyId,
          ...optional("weeklyCreditBudget", rows[0]?.weekly_credit_budget),
        })),
      ),

    // The whole record replaces the stored one: a record without a budget removes it.
    put: (settings) =>
      query(knex, "wallet_settings.put", (db) =>
        db(TABLE)
          .insert({
            party_id: settings.partyId,
            weekly_credit_budget: settings.weeklyCreditBudget ?? null,
          })
          .onConflict("party_id")
          .merge(["weekly_credit_budget"]),
      ).pipe(Effect.asVoid),
  })

export const layerWalletSettings = (knex: Knex): Layer.Layer<WalletSettings> =>
  Layer.succeed(WalletSettings, makeWalletSettings(knex))
