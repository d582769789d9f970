import { ApplicationId, PartyId, ProfilePatch, SignUpInput } from "@fundi/core"
import { JsonSchema, Schema, SchemaRepresentation } from "effect"
import { DEFAULT_MAX_BODY_BYTES } from "./middleware/json-body.ts"
import { ApplicationResource, ErrorJson, HealthJson, PartyResource } from "./representations.ts"

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
        "Sign-up, profiles and applications for channels and embedders. Every /api/v1 " +
        "endpoint except this document needs `Authorization: Bearer <FUNDI_API_KEY>`. " +
        `Request bodies are JSON (Content-Type: application/json), at most ${DEFAULT_MAX_BODY_BYTES} bytes. ` +
        "Times are ISO-8601 UTC strings. Errors share one shape: `error` (a stable " +
        "snake_case code) and `message`, plus `issues` for field-level validation errors.",
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
