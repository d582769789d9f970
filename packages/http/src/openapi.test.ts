import SwaggerParser from "@apidevtools/swagger-parser"
import { ProfilePatch, SignUpInput } from "@fundi/core"
import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import { buildOpenApiDocument, CreateTopUpRequest, WeeklyBudgetRequest } from "./openapi.ts"

type Json = { readonly [key: string]: unknown }

const doc = JSON.parse(JSON.stringify(buildOpenApiDocument())) as Json
const paths = doc.paths as Record<string, Record<string, Json>>
const components = doc.components as Record<string, Record<string, Json>>

/** Every `$ref` in the document, with where it was found. */
const refsIn = (value: unknown, at = "#"): Array<{ ref: string; at: string }> => {
  if (Array.isArray(value)) return value.flatMap((v, i) => refsIn(v, `${at}/${i}`))
  if (typeof value !== "object" || value === null) return []
  return Object.entries(value).flatMap(([k, v]) =>
    k === "$ref" && typeof v === "string" ? [{ ref: v, at }] : refsIn(v, `${at}/${k}`),
  )
}

const resolve = (ref: string): unknown =>
  ref
    .replace(/^#\//, "")
    .split("/")
    .reduce<unknown>((node, key) => (node as Json | undefined)?.[key], doc)

describe("the OpenAPI document", () => {
  it("is OpenAPI 3.1 and survives a JSON round trip", () => {
    expect(doc.openapi).toBe("3.1.0")
    expect(doc).toEqual(buildOpenApiDocument())
  })

  it("passes an OpenAPI 3.1 validator", async () => {
    // The validator dereferences in place: give it a copy.
    const copy = JSON.parse(JSON.stringify(doc))
    await expect(SwaggerParser.validate(copy)).resolves.toBeDefined()
  })

  it("lists every endpoint with its method", () => {
    const operations = Object.entries(paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    )
    expect(operations.sort()).toEqual(
      [
        "GET /healthz",
        "GET /api/v1/openapi.json",
        "POST /api/v1/parties",
        "GET /api/v1/parties/{partyId}",
        "PATCH /api/v1/parties/{partyId}/profile",
        "POST /api/v1/parties/{partyId}/applications",
        "GET /api/v1/applications/{applicationId}",
        "GET /api/v1/parties/{partyId}/wallet",
        "GET /api/v1/parties/{partyId}/wallet/statement",
        "PUT /api/v1/parties/{partyId}/wallet/budget",
        "PUT /api/v1/parties/{partyId}/reach",
        "POST /api/v1/parties/{partyId}/topups",
        "PUT /api/v1/parties/{partyId}/topups/{topUpId}/proof",
        "GET /api/v1/topups/{topUpId}",
        "POST /api/v1/requests",
        "GET /api/v1/requests/{requestId}",
        "POST /api/v1/requests/{requestId}/answer",
        "POST /api/v1/requests/{requestId}/cancel",
        "POST /api/v1/offers/{offerId}/choose-time",
        "POST /api/v1/offers/{offerId}/reject-times",
        "POST /api/v1/offers/{offerId}/refund-claims",
      ].sort(),
    )
  })

  it("declares the bearer scheme, required everywhere but health and this document", () => {
    expect(components.securitySchemes!.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" })
    expect(doc.security).toEqual([{ bearerAuth: [] }])
    expect(paths["/healthz"]!.get!.security).toEqual([])
    expect(paths["/api/v1/openapi.json"]!.get!.security).toEqual([])
    expect(paths["/api/v1/parties"]!.post!.security).toBeUndefined()
  })

  it("resolves every $ref inside the document", () => {
    const refs = refsIn(doc)
    expect(refs.length).toBeGreaterThan(10)
    for (const { ref, at } of refs) {
      expect(resolve(ref), `${ref} at ${at}`).toBeDefined()
    }
  })

  it("describes the error shape with field-level issues", () => {
    const error = components.schemas!.Error as { properties: Json; required: Array<string> }
    expect(error.required).toEqual(expect.arrayContaining(["error", "message"]))
    expect(Object.keys(error.properties)).toEqual(
      expect.arrayContaining(["error", "message", "issues", "until", "missing"]),
    )
  })

  it("takes request bodies from the Schemas the use cases decode with", () => {
    const signUp = Schema.toJsonSchemaDocument(SignUpInput, { onExcessProperty: "error" }).schema
    expect(components.schemas!.SignUpRequest).toEqual(signUp)
    const patch = Schema.toJsonSchemaDocument(ProfilePatch, { onExcessProperty: "error" }).schema
    expect(components.schemas!.ProfilePatch).toEqual(patch)
    expect(components.schemas!.SignUpRequest).toMatchObject({
      required: ["kind", "phone"],
      additionalProperties: false,
    })
  })

  it("takes the wallet request bodies from the use-case Schemas, less the id in the URL", () => {
    expect(components.schemas!.CreateTopUpRequest).toEqual(
      Schema.toJsonSchemaDocument(CreateTopUpRequest, { onExcessProperty: "error" }).schema,
    )
    expect(components.schemas!.CreateTopUpRequest).toMatchObject({
      required: ["credits", "method"],
      additionalProperties: false,
    })
    expect(Object.keys(components.schemas!.CreateTopUpRequest!.properties as Json)).not.toContain(
      "partyId",
    )
    expect(components.schemas!.WeeklyBudgetRequest).toEqual(
      Schema.toJsonSchemaDocument(WeeklyBudgetRequest, { onExcessProperty: "error" }).schema,
    )
  })

  it("documents the proof upload as raw bytes of the accepted types, with 413 and 415", () => {
    const upload = paths["/api/v1/parties/{partyId}/topups/{topUpId}/proof"]!.put!
    const body = upload.requestBody as { content: Record<string, unknown> }
    expect(Object.keys(body.content).sort()).toEqual(
      ["application/octet-stream", "application/pdf", "image/jpeg", "image/png"].sort(),
    )
    expect(Object.keys(upload.responses as Json)).toEqual(
      expect.arrayContaining(["200", "400", "404", "409", "413", "415"]),
    )
  })

  it("documents ledger amounts as strings", () => {
    const wallet = components.schemas!.Wallet as { properties: Record<string, Json> }
    expect(wallet.properties.credits!.type).toBe("string")
    expect(wallet.properties.earningsMinor!.type).toBe("string")
    const topUp = components.schemas!.TopUp as { properties: Record<string, Json> }
    expect(topUp.properties.amountMinor!.type).toBe("string")
  })

  it("documents responses for every operation, errors included", () => {
    for (const [path, item] of Object.entries(paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const responses = operation.responses as Record<string, unknown>
        expect(Object.keys(responses).length, `${method} ${path}`).toBeGreaterThan(0)
        if (path.startsWith("/api/v1/") && path !== "/api/v1/openapi.json") {
          expect(Object.keys(responses), `${method} ${path}`).toEqual(
            expect.arrayContaining(["401", "500", "503"]),
          )
        }
      }
    }
  })
})
