import {
  ApplicationId,
  CreateTopUpInput,
  OfferId,
  PartyId,
  ProfilePatch,
  RequestId,
  SetWeeklyBudgetInput,
  SignUpInput,
  TopUpId,
} from "@fundi/core"
import { JsonSchema, Schema, SchemaRepresentation, Struct } from "effect"
import { DEFAULT_MAX_BODY_BYTES } from "./middleware/json-body.ts"
import {
  ApplicationResource,
  ErrorJson,
  HealthJson,
  PartyResource,
  StatementResource,
  TopUpResource,
  WalletResource,
} from "./representations.ts"
import { leadRefundPaths, leadRefundSchemas } from "./routes/lead-refunds.routes.ts"
import { ChooseTimeBody, OfferAnswerResource, RejectTimesBody } from "./routes/offers.routes.ts"
import { providerReachPaths, providerReachSchemas } from "./routes/provider-reach.routes.ts"
import {
  AnswerRequestBody,
  CancelRequestBody,
  RequestResource,
  SubmitRequestBody,
} from "./routes/requests.routes.ts"

/** The party comes from the URL; the body carries the rest of the use-case input. */
export const CreateTopUpRequest = CreateTopUpInput.mapFields(Struct.omit(["partyId"]))
export const WeeklyBudgetRequest = SetWeeklyBudgetInput.mapFields(Struct.omit(["partyId"]))

/**
 * The OpenAPI 3.1 document of the JSON API. Request bodies come from the very Schemas the
 * use cases decode with (`@fundi/core` inputs.ts), responses from representations.ts, so
 * the document changes when they do.
 */

type JsonObject = { readonly [key: string]: unknown }

/** The named roots, in one multi-document so shared definitions are emitted once. */
const roots = {
  SignUpRequest: SignUpInput,
  ProfilePatch: ProfilePatch,
  Party: PartyResource,
  Application: ApplicationResource,
  Error: ErrorJson,
  Health: HealthJson,
  PartyId: PartyId,
  ApplicationId: ApplicationId,
  TopUpId: TopUpId,
  CreateTopUpRequest: CreateTopUpRequest,
  WeeklyBudgetRequest: WeeklyBudgetRequest,
  Wallet: WalletResource,
  Statement: StatementResource,
  TopUp: TopUpResource,
  RequestId: RequestId,
  SubmitRequest: SubmitRequestBody,
  AnswerRequest: AnswerRequestBody,
  CancelRequest: CancelRequestBody,
  ServiceRequest: RequestResource,
  OfferId: OfferId,
  ChooseTimeRequest: ChooseTimeBody,
  RejectTimesRequest: RejectTimesBody,
  OfferAnswer: OfferAnswerResource,
  ...leadRefundSchemas,
  ...providerReachSchemas,
} as const

type RootName = keyof typeof roots

const componentSchemas = (): {
  readonly schemas: Record<string, JsonObject>
  readonly refs: Record<RootName, JsonObject>
} => {
  const names = Object.keys(roots) as Array<RootName>
  const asts = names.map((n) => Schema.toCodecJson(roots[n] as Schema.Top).ast)
  const document = JsonSchema.toMultiDocumentOpenApi3_1(
    SchemaRepresentation.toJsonSchemaMultiDocument(
      SchemaRepresentation.toRepresentations(asts as [(typeof asts)[0], ...typeof asts]),
      // The use cases reject unknown fields, so the document says so too.
      { onExcessProperty: "error" },
    ),
  )
  const schemas: Record<string, JsonObject> = { ...document.definitions }
  const refs = {} as Record<RootName, JsonObject>
  names.forEach((name, i) => {
    const generated = document.schemas[i] as JsonObject
    // A root with its own identifier is already a definition; others become one by name.
    if (typeof generated.$ref === "string") {
      refs[name] = generated
    } else {
      schemas[name] = generated
      refs[name] = { $ref: `#/components/schemas/${name}` }
    }
  })
  return { schemas, refs }
}

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
})

const json = (schema: JsonObject, description: string) => ({
  description,
  content: { "application/json": { schema } },
})

export const buildOpenApiDocument = (): JsonObject => {
  const { schemas, refs } = componentSchemas()
  const partyIdParam = {
    name: "partyId",
    in: "path",
    required: true,
    description: "a party id, pty_ then 20 base-32 characters",
    schema: refs.PartyId,
  }
  const applicationIdParam = {
    name: "applicationId",
    in: "path",
    required: true,
    description: "an application id, app_ then 20 base-32 characters",
    schema: refs.ApplicationId,
  }
  const topUpIdParam = {
    name: "topUpId",
    in: "path",
    required: true,
    description: "a top-up id, tpu_ then 20 base-32 characters",
    schema: refs.TopUpId,
  }
  const requestIdParam = {
    name: "requestId",
    in: "path",
    required: true,
    description: "a request id, req_ then 20 base-32 characters",
    schema: refs.RequestId,
  }
  const offerIdParam = {
    name: "offerId",
    in: "path",
    required: true,
    description: "an offer id, ofr_ then 20 base-32 characters",
    schema: refs.OfferId,
  }
  const common = {
    "401": { $ref: "#/components/responses/Unauthorized" },
    "503": { $ref: "#/components/responses/Unavailable" },
    "500": { $ref: "#/components/responses/InternalError" },
  }
  const withBody = {
    "400": { $ref: "#/components/responses/BadRequest" },
    "413": { $ref: "#/components/responses/PayloadTooLarge" },
    "415": { $ref: "#/components/responses/UnsupportedMediaType" },
  }
  const location = (what: string) => ({
    Location: { description: `the URL of the new ${what}`, schema: { type: "string" } },
  })

  return {
    openapi: "3.1.0",
    info: {
      title: "Fundi JSON API",
      version: "1.0.0",
      description:
        "Sign-up, profiles, applications, wallets and credit top-ups for channels and embedders. Every /api/v1 " +
        "endpoint except this document needs `Authorization: Bearer <FUNDI_API_KEY>`. " +
        `Request bodies are JSON (Content-Type: application/json), at most ${DEFAULT_MAX_BODY_BYTES} bytes. ` +
        "Times are ISO-8601 UTC strings. Errors share one shape: `error` (a stable " +
        "snake_case code) and `message`, plus `issues` for field-level validation errors. " +
        "Ledger amounts (credits, money in minor units) are strings of digits: they are " +
        "64-bit integers, which JSON numbers cannot hold exactly.",
    },
    security: [{ bearerAuth: [] }],
    paths: {
      "/healthz": {
        get: {
          operationId: "health",
          summary: "Readiness: answers 200 when the database can be reached",
          security: [],
          responses: {
            "200": json(refs.Health, "ready"),
            "503": json(refs.Health, "the database cannot be reached"),
          },
        },
      },
      "/api/v1/openapi.json": {
        get: {
          operationId: "openApiDocument",
          summary: "This document",
          security: [],
          responses: { "200": json({ type: "object" }, "the OpenAPI 3.1 document") },
        },
      },
      "/api/v1/parties": {
        post: {
          operationId: "signUp",
          summary: "Sign up a customer (homeowner) or a provider",
          description:
            "The phone is E.164 (+27821234567). `channel` defaults to `api`. A phone can " +
            "be registered once (409 phone_already_registered).",
          requestBody: {
            required: true,
            content: { "application/json": { schema: refs.SignUpRequest } },
          },
          responses: {
            "201": { ...json(refs.Party, "signed up"), headers: location("party") },
            ...withBody,
            "409": errorResponse("phone_already_registered: the phone is taken"),
            ...common,
          },
        },
      },
      "/api/v1/parties/{partyId}": {
        get: {
          operationId: "getParty",
          summary: "A party with its profile completeness, latest application and lead eligibility",
          parameters: [partyIdParam],
          responses: {
            "200": json(refs.Party, "the party"),
            "404": errorResponse("party_not_found"),
            ...common,
          },
        },
      },
      "/api/v1/parties/{partyId}/profile": {
        patch: {
          operationId: "updateProfile",
          summary: "Change profile fields; lists replace what was there, absent fields stay",
          parameters: [partyIdParam],
          requestBody: {
            required: true,
            content: { "application/json": { schema: refs.ProfilePatch } },
          },
          responses: {
            "200": json(refs.Party, "the updated party"),
            ...withBody,
            "404": errorResponse("party_not_found"),
            ...common,
          },
        },
      },
      "/api/v1/parties/{partyId}/applications": {
        post: {
          operationId: "submitApplication",
          summary: "Submit an application, or re-apply after a rejection",
          description:
            "No body is needed (an empty JSON object is accepted). Fails with 422 " +
            "profile_incomplete (see `missing`), 409 application_already_open, or 409 " +
            "reapply_locked_out (see `until`) after a failed background check.",
          parameters: [partyIdParam],
          requestBody: {
            required: false,
            content: {
              "application/json": {
                schema: { type: "object", properties: {}, additionalProperties: false },
              },
            },
          },
          responses: {
            "201": { ...json(refs.Application, "submitted"), headers: location("application") },
            ...withBody,
            "404": errorResponse("party_not_found"),
            "409": errorResponse(
              "application_already_open, reapply_locked_out (with `until`), already_approved, or vetting_not_required (this marketplace does not vet that kind of party)",
            ),
            "422": errorResponse("profile_incomplete (with `missing`)"),
            ...common,
          },
        },
      },
      "/api/v1/applications/{applicationId}": {
        get: {
          operationId: "getApplication",
          summary: "An application with its party",
          parameters: [applicationIdParam],
          responses: {
            "200": json(refs.Application, "the application"),
            "404": errorResponse("application_not_found"),
            ...common,
          },
        },
      },
      "/api/v1/parties/{partyId}/wallet": {
        get: {
          operationId: "getWallet",
          summary: "A provider's credit balance, earnings and weekly credit budget",
          parameters: [partyIdParam],
          responses: {
            "200": json(refs.Wallet, "the wallet"),
            "404": errorResponse(
              "party_not_found, or not_a_provider (only providers have wallets)",
            ),
            ...common,
          },
        },
      },
      "/api/v1/parties/{partyId}/wallet/statement": {
        get: {
          operationId: "getStatement",
          summary: "Every movement of one wallet, newest first, with the balance after each",
          parameters: [
            partyIdParam,
            {
              name: "wallet",
              in: "query",
              required: false,
              description: "which wallet (default credits)",
              schema: { type: "string", enum: ["credits", "earnings"] },
            },
            {
              name: "limit",
              in: "query",
              required: false,
              description: "at most this many lines, 1-1000 (default 50)",
              schema: { type: "integer", minimum: 1, maximum: 1000 },
            },
            {
              name: "offset",
              in: "query",
              required: false,
              description: "skip this many of the newest lines",
              schema: { type: "integer", minimum: 0 },
            },
          ],
          responses: {
            "200": json(refs.Statement, "the statement"),
            "400": { $ref: "#/components/responses/BadRequest" },
            "404": errorResponse("party_not_found or not_a_provider"),
            ...common,
          },
        },
      },
      "/api/v1/parties/{partyId}/wallet/budget": {
        put: {
          operationId: "setWeeklyBudget",
          summary: "Set the most credits the provider spends per week, or null for no limit",
          description:
            "Spending past the budget is refused with 409 weekly_budget_exceeded until the " +
            "week ends (Monday 00:00 in the marketplace's time zone).",
          parameters: [partyIdParam],
          requestBody: {
            required: true,
            content: { "application/json": { schema: refs.WeeklyBudgetRequest } },
          },
          responses: {
            "200": json(refs.Wallet, "the wallet with its new budget"),
            ...withBody,
            "404": errorResponse("party_not_found or not_a_provider"),
            ...common,
          },
        },
      },
      "/api/v1/parties/{partyId}/topups": {
        post: {
          operationId: "createTopUp",
          summary: "A provider's intent to buy credits: the price and a reference to pay with",
          description:
            "The answer carries `reference` (write it on the bank transfer) and the price as " +
            "`amountMinor` in `currency`. Then upload the proof of payment with PUT " +
            "…/topups/{topUpId}/proof; ops approve it and the credits arrive. `credits` " +
            "outside the marketplace's range is a 400 top_up_out_of_range naming `credits`.",
          parameters: [partyIdParam],
          requestBody: {
            required: true,
            content: { "application/json": { schema: refs.CreateTopUpRequest } },
          },
          responses: {
            "201": { ...json(refs.TopUp, "created"), headers: location("top-up") },
            ...withBody,
            "404": errorResponse("party_not_found or not_a_provider"),
            ...common,
          },
        },
      },
      "/api/v1/parties/{partyId}/topups/{topUpId}/proof": {
        put: {
          operationId: "submitTopUpProof",
          summary: "Upload the proof of payment: the file's raw bytes as the body",
          description:
            "A PDF, JPEG or PNG file, sent as is (not multipart, not base64) with its own " +
            "Content-Type or application/octet-stream. The type is detected from the bytes: " +
            "a file that is not one of the three is refused with 415 unsupported_content " +
            "naming what was `detected`, whatever its Content-Type said. Files larger than " +
            "the marketplace's upload limit are refused with 413 content_too_large (see " +
            "`limit`). A new proof replaces one still waiting for review.",
          parameters: [partyIdParam, topUpIdParam],
          requestBody: {
            required: true,
            content: Object.fromEntries(
              ["application/pdf", "image/jpeg", "image/png", "application/octet-stream"].map(
                (type) => [type, { schema: { type: "string", contentMediaType: type } }],
              ),
            ),
          },
          responses: {
            "200": json(refs.TopUp, "the top-up, now proof_submitted"),
            "400": errorResponse("invalid_input: the body is empty"),
            "404": errorResponse(
              "party_not_found, top_up_not_found (also for another provider's top-up)",
            ),
            "409": errorResponse("transition_not_allowed: the top-up was already decided"),
            "413": errorResponse("content_too_large (with `size` and `limit`)"),
            "415": errorResponse(
              "unsupported_media_type (the Content-Type) or unsupported_content (the bytes, with `detected`)",
            ),
            ...common,
          },
        },
      },
      "/api/v1/requests": {
        post: {
          operationId: "submitRequest",
          summary: "A homeowner asks for help; the request joins the ops review queue",
          description:
            "`customerId` must be an active homeowner; the request takes their cohort. " +
            "`availability` is `now` or 1 to 5 windows (`start`/`end` as epoch ms or " +
            "ISO-8601 with a zone) that have not ended. A `virtual` consultation needs " +
            "`estimatedMinutes` and `totalAmountMinor` (a string of digits); an " +
            "`in_person` visit must not carry them. `photos` are object-store keys.",
          requestBody: {
            required: true,
            content: { "application/json": { schema: refs.SubmitRequest } },
          },
          responses: {
            "201": {
              ...json(refs.ServiceRequest, "created, in state submitted"),
              headers: location("request"),
            },
            ...withBody,
            "404": errorResponse("party_not_found: no party with that customerId"),
            "409": errorResponse(
              "customer_not_active: the party is not a homeowner, or not active",
            ),
            ...common,
          },
        },
      },
      "/api/v1/requests/{requestId}": {
        get: {
          operationId: "getRequest",
          summary: "A request with its state",
          parameters: [requestIdParam],
          responses: {
            "200": json(refs.ServiceRequest, "the request"),
            "404": errorResponse("request_not_found"),
            ...common,
          },
        },
      },
      "/api/v1/requests/{requestId}/answer": {
        post: {
          operationId: "answerRequestClarification",
          summary: "The homeowner answers ops' question; the request returns to review",
          parameters: [requestIdParam],
          requestBody: {
            required: true,
            content: { "application/json": { schema: refs.AnswerRequest } },
          },
          responses: {
            "200": json(refs.ServiceRequest, "the request, submitted again"),
            ...withBody,
            "404": errorResponse(
              "request_not_found: no such request, or not one of this homeowner's",
            ),
            "409": errorResponse("transition_not_allowed: no question is waiting for an answer"),
            ...common,
          },
        },
      },
      "/api/v1/requests/{requestId}/cancel": {
        post: {
          operationId: "cancelRequest",
          summary: "The homeowner withdraws a request that is not yet assigned",
          parameters: [requestIdParam],
          requestBody: {
            required: true,
            content: { "application/json": { schema: refs.CancelRequest } },
          },
          responses: {
            "200": json(refs.ServiceRequest, "the request, now cancelled"),
            ...withBody,
            "404": errorResponse(
              "request_not_found: no such request, or not one of this homeowner's",
            ),
            "409": errorResponse(
              "transition_not_allowed: the request is already assigned, unfulfilled or cancelled",
            ),
            ...common,
          },
        },
      },
      "/api/v1/offers/{offerId}/choose-time": {
        post: {
          operationId: "chooseProposedTime",
          summary: "The homeowner picks one of the three times a provider proposed",
          description:
            "`slot` is the position of the time (0, 1 or 2). The request is assigned to the " +
            "offer's provider if it is still unassigned; both sides are sent each other's details.",
          parameters: [offerIdParam],
          requestBody: {
            required: true,
            content: { "application/json": { schema: refs.ChooseTimeRequest } },
          },
          responses: {
            "200": json(refs.OfferAnswer, "the offer, accepted at the chosen time"),
            ...withBody,
            "404": errorResponse(
              "offer_not_found: no such offer, or not one on this homeowner's request",
            ),
            "409": errorResponse(
              "lead_already_assigned, request_not_dispatching, slot_unavailable (the time has " +
                "started) or offer_transition_not_allowed (no times are waiting for an answer)",
            ),
            ...common,
          },
        },
      },
      "/api/v1/offers/{offerId}/reject-times": {
        post: {
          operationId: "rejectProposedTimes",
          summary: "The homeowner can use none of the proposed times; dispatch moves on",
          parameters: [offerIdParam],
          requestBody: {
            required: true,
            content: { "application/json": { schema: refs.RejectTimesRequest } },
          },
          responses: {
            "200": json(refs.OfferAnswer, "the offer, declined, with the request's state after"),
            ...withBody,
            "404": errorResponse(
              "offer_not_found: no such offer, or not one on this homeowner's request",
            ),
            "409": errorResponse(
              "request_not_dispatching or offer_transition_not_allowed (no times are waiting)",
            ),
            ...common,
          },
        },
      },
      ...leadRefundPaths(refs, { offerIdParam, withBody, common, errorResponse }),
      ...providerReachPaths(refs, { partyIdParam, withBody, common, errorResponse }),
      "/api/v1/topups/{topUpId}": {
        get: {
          operationId: "getTopUp",
          summary: "A top-up with its state, proof and provider",
          parameters: [topUpIdParam],
          responses: {
            "200": json(refs.TopUp, "the top-up"),
            "404": errorResponse("top_up_not_found"),
            ...common,
          },
        },
      },
    },
    components: {
      securitySchemes: {
        bearerAuth: {
          type: "http",
          scheme: "bearer",
          description: "the server's FUNDI_API_KEY",
        },
      },
      schemas,
      responses: {
        BadRequest: errorResponse("invalid_input (with field-level `issues`) or malformed_json"),
        Unauthorized: errorResponse("unauthorized: missing or wrong bearer token"),
        PayloadTooLarge: errorResponse("payload_too_large"),
        UnsupportedMediaType: errorResponse("unsupported_media_type: the body must be JSON"),
        Unavailable: errorResponse(
          "persistence_unavailable, or api_key_not_configured when the server has no FUNDI_API_KEY",
        ),
        InternalError: errorResponse("internal_error: an unexpected failure, with an `errorId`"),
      },
    },
  }
}
