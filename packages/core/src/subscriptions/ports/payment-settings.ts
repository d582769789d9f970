import { Context } from "effect"

/**
 * What the deployment tells the payment use cases (not the policy: a marketplace's rules
 * do not change with where it runs). A reference with defaults, so tests and embedders
 * need not provide it; the composition root provides it from its configuration.
 */
export interface PaymentSettingsShape {
  /** The public origin secure links point at; the gateway returns the payer to it. */
  readonly publicUrl: string
  /**
   * The gateway requires a payer email and homeowners on WhatsApp often have none: they
   * get `<phone digits>@<this domain>` (".invalid" cannot receive mail, by RFC 2606).
   */
  readonly payerEmailDomain: string
}

export const defaultPayerEmailDomain = "customers.fundi.invalid"

export const PaymentSettings = Context.Reference<PaymentSettingsShape>(
  "@fundi/core/PaymentSettings",
  {
    defaultValue: () => ({
      publicUrl: "http://localhost:3000",
      payerEmailDomain: defaultPayerEmailDomain,
    }),
  },
)
