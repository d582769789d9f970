import { Effect, Schema, SchemaIssue } from "effect"
import { InvalidInput } from "./errors.ts"

const formatter = SchemaIssue.makeFormatterStandardSchemaV1()

const pathText = (path: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }>): string =>
  path
    .map((p) => (typeof p === "object" ? p.key : p))
    .map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`))
    .join("")

/** Turns a Schema failure into field-level issues ("phone: must be an E.164 phone number"). */
export const toInvalidInput = (issue: SchemaIssue.Issue): InvalidInput =>
  new InvalidInput({
    issues: formatter(issue).issues.map((i) => ({
      path: pathText(i.path ?? []),
      message: friendlier(i.message),
    })),
  })

/** Decodes unknown input with a schema; failures become `InvalidInput` naming each field. */
export const decodeInput =
  <S extends Schema.Decoder<unknown>>(schema: S) =>
  (input: unknown): Effect.Effect<S["Type"], InvalidInput> =>
    Schema.decodeUnknownEffect(schema, { errors: "all", onExcessProperty: "error" })(input).pipe(
      Effect.mapError((e) => toInvalidInput(e.issue)),
    ) as Effect.Effect<S["Type"], InvalidInput>

const friendlier = (message: string): string =>
  message === "Missing key"
    ? "is required"
    : message.startsWith("Expected no excess property") || message.startsWith("Unexpected key")
      ? "is not a known field"
      : message
