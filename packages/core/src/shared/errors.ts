import { Schema } from "effect"

/** The database (or another store) could not be reached or failed; the change was not made. */
export class PersistenceUnavailable extends Schema.TaggedError<PersistenceUnavailable>()(
  "PersistenceUnavailable",
  { detail: Schema.String },
) {
  override get message() {
    return `the database is unavailable: ${this.detail}`
  }
}

/** Input failed validation; `issues` names each bad field and what is wrong with it. */
export class InvalidInput extends Schema.TaggedError<InvalidInput>()("InvalidInput", {
  issues: Schema.Array(Schema.Struct({ path: Schema.String, message: Schema.String })),
}) {
  override get message() {
    return this.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; ")
  }
}
