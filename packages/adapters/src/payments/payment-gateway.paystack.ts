import {
  type CheckoutRequest,
  type Instant,
  PaymentGateway,
  PaymentGatewayRefused,
  PaymentGatewayUnavailable,
  PaymentNotFound,
  type VerifiedTransaction,
} from "@fundi/core"
import { Effect, Layer, Redacted, Result, Schema } from "effect"

export interface PaystackGatewayOptions {
  readonly secretKey: Redacted.Redacted<string>
  /** https://api.paystack.co, or the local simulator's `<public URL>/dev/paystack`. No trailing slash. */
  readonly baseUrl: string
  /** Per request (default 15 s): a hung connection must not hold a worker or a page forever. */
  readonly timeoutMs?: number
  readonly fetch?: typeof globalThis.fetch
}

/** What Paystack says when it refuses: `{status: false, message, code?, type?}`. */
const PaystackRefusal = Schema.Struct({
  message: Schema.String,
  code: Schema.optional(Schema.String),
})

const InitializeAnswer = Schema.Struct({
  status: Schema.Literal(true),
  data: Schema.Struct({ authorization_url: Schema.String.check(Schema.isPattern(/^https?:\/\//)) }),
})

const VerifyAnswer = Schema.Struct({
  status: Schema.Literal(true),
  data: Schema.Struct({
    id: Schema.Union([Schema.Number, Schema.String]),
    status: Schema.String,
    reference: Schema.String,
    amount: Schema.Number.check(Schema.isInt()),
    currency: Schema.String,
    paid_at: Schema.optional(Schema.NullOr(Schema.String)),
    channel: Schema.optional(Schema.NullOr(Schema.String)),
    gateway_response: Schema.optional(Schema.NullOr(Schema.String)),
  }),
})

const decodeRefusal = Schema.decodeUnknownResult(PaystackRefusal)
const decodeInitialize = Schema.decodeUnknownResult(InitializeAnswer)
const decodeVerify = Schema.decodeUnknownResult(VerifyAnswer)

/**
 * Paystack's transaction statuses, as far as a payment is concerned: only `success` is paid;
 * `failed` and `reversed` are money that did not (or no longer) arrive; `abandoned` is a
 * checkout opened and left; the rest (`ongoing`, `pending`, `queued`, `processing`, and
 * any status Paystack adds later) is not decided yet.
 */
const statusOf = (status: string): VerifiedTransaction["status"] => {
  switch (status) {
    case "success":
      return "success"
    case "failed":
    case "reversed":
      return "failed"
    case "abandoned":
      return "abandoned"
    default:
      return "pending"
  }
}

interface Answer {
  readonly status: number
  readonly json: unknown
}

const unavailable = (detail: string) => new PaymentGatewayUnavailable({ detail })

/** The 429 and 5xx that retrying later may fix; Paystack asks for exactly that. */
const isTransient = (status: number) => status === 429 || status >= 500

const refusalOf = (answer: Answer) => {
  const refusal = decodeRefusal(answer.json)
  return Result.isSuccess(refusal)
    ? {
        message: refusal.success.message,
        code: refusal.success.code ?? `http_${answer.status}`,
      }
    : {
        message: `HTTP ${answer.status} without Paystack's error body`,
        code: `http_${answer.status}`,
      }
}

/** Paystack's answer to verifying a reference it never saw (HTTP 400, sometimes 404). */
const isUnknownReference = (answer: Answer) =>
  answer.status === 404 ||
  (answer.status === 400 &&
    (refusalOf(answer).code === "transaction_not_found" ||
      /reference not found/i.test(refusalOf(answer).message)))

const parsedOr = <A>(
  decoded: Result.Result<A, Schema.SchemaError>,
  what: string,
): Effect.Effect<A, PaymentGatewayUnavailable> =>
  Result.isSuccess(decoded)
    ? Effect.succeed(decoded.success)
    : Effect.fail(
        unavailable(
          `Paystack answered ${what} with an unexpected body: ${decoded.failure.message}`,
        ),
      )

const paidAtOf = (text: string | null | undefined): Instant | undefined => {
  if (text === null || text === undefined) return undefined
  const ms = Date.parse(text)
  return Number.isNaN(ms) ? undefined : (ms as Instant)
}

/**
 * The PaymentGateway over Paystack's REST API (https://paystack.com/docs/api/transaction/):
 * one fetch per call, with the secret key as Bearer. Network failures, timeouts, 429 and
 * 5xx are `PaymentGatewayUnavailable` (try again later); any other refusal keeps
 * Paystack's message and code. A 2xx body that is not what Paystack documents is
 * unavailable too, with what was wrong: never trusted, never a crash.
 */
export const makePaystackGateway = (options: PaystackGatewayOptions): PaymentGateway["Service"] => {
  const doFetch = options.fetch ?? globalThis.fetch
  const timeoutMs = options.timeoutMs ?? 15_000

  const call = (method: "GET" | "POST", path: string, body?: unknown) =>
    Effect.tryPromise({
      try: async (interrupted): Promise<Answer> => {
        const response = await doFetch(`${options.baseUrl}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${Redacted.value(options.secretKey)}`,
            accept: "application/json",
            ...(body === undefined ? {} : { "content-type": "application/json" }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.any([interrupted, AbortSignal.timeout(timeoutMs)]),
        })
        // A proxy's HTML error page is not JSON: keep the status, drop the body.
        const json: unknown = await response.json().catch(() => undefined)
        return { status: response.status, json }
      },
      catch: (cause) =>
        unavailable(
          cause instanceof Error && cause.name === "TimeoutError"
            ? `no answer from Paystack within ${timeoutMs} ms (${method} ${path})`
            : `cannot reach Paystack (${method} ${path}): ${cause instanceof Error ? cause.message : String(cause)}`,
        ),
    })

  const initializeCheckout = (request: CheckoutRequest) =>
    Effect.gen(function* () {
      if (request.amountMinor > BigInt(Number.MAX_SAFE_INTEGER) || request.amountMinor <= 0n) {
        return yield* new PaymentGatewayRefused({
          code: "invalid_amount",
          detail: `cannot charge ${request.amountMinor} minor units`,
        })
      }
      const answer = yield* call("POST", "/transaction/initialize", {
        email: request.email,
        amount: Number(request.amountMinor),
        currency: request.currency,
        reference: request.reference,
        callback_url: request.callbackUrl,
        metadata: request.metadata,
      })
      if (answer.status >= 200 && answer.status < 300) {
        const parsed = yield* parsedOr(decodeInitialize(answer.json), "a checkout")
        return { checkoutUrl: parsed.data.authorization_url }
      }
      const refusal = refusalOf(answer)
      if (isTransient(answer.status)) {
        return yield* unavailable(`HTTP ${answer.status}: ${refusal.message}`)
      }
      return yield* new PaymentGatewayRefused({ code: refusal.code, detail: refusal.message })
    })

  const verify = (reference: string) =>
    Effect.gen(function* () {
      const answer = yield* call("GET", `/transaction/verify/${encodeURIComponent(reference)}`)
      if (answer.status >= 200 && answer.status < 300) {
        const { data } = yield* parsedOr(decodeVerify(answer.json), "a verification")
        if (data.reference !== reference) {
          return yield* unavailable(
            `Paystack verified ${data.reference} when asked for ${reference}`,
          )
        }
        const paidAt = paidAtOf(data.paid_at)
        const verified: VerifiedTransaction = {
          reference: data.reference,
          status: statusOf(data.status),
          amountMinor: BigInt(data.amount),
          currency: data.currency,
          gatewayTransactionId: String(data.id),
          ...(paidAt === undefined ? {} : { paidAt }),
          ...(data.channel == null ? {} : { channel: data.channel }),
          ...(data.gateway_response == null ? {} : { gatewayResponse: data.gateway_response }),
        }
        return verified
      }
      if (isUnknownReference(answer)) return yield* new PaymentNotFound({ reference })
      // The port has no refusal for verify: a bad key or a 4xx we do not know is something
      // ops must fix, and what waits on it (a webhook event) is retried until they do.
      const refusal = refusalOf(answer)
      return yield* unavailable(
        isTransient(answer.status)
          ? `HTTP ${answer.status}: ${refusal.message}`
          : `Paystack refused to verify ${reference} (HTTP ${answer.status}, ${refusal.code}): ${refusal.message}`,
      )
    })

  return PaymentGateway.of({ initializeCheckout, verify })
}

export const layerPaymentGatewayPaystack = (
  options: PaystackGatewayOptions,
): Layer.Layer<PaymentGateway> => Layer.succeed(PaymentGateway, makePaystackGateway(options))

/** What every call fails with when no gateway is configured (a server database, no key). */
export const PAYMENTS_NOT_CONFIGURED = "payments are not configured: set PAYSTACK_SECRET_KEY"

/**
 * A gateway that is not there: homeowners can still choose a plan (the payment and its
 * link are kept), and opening the link says payments are unavailable until it is set.
 */
export const layerPaymentGatewayNotConfigured: Layer.Layer<PaymentGateway> = Layer.succeed(
  PaymentGateway,
  PaymentGateway.of({
    initializeCheckout: () => Effect.fail(unavailable(PAYMENTS_NOT_CONFIGURED)),
    verify: () => Effect.fail(unavailable(PAYMENTS_NOT_CONFIGURED)),
  }),
)
