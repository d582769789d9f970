import { Schema } from "effect"

/** A message intent WhatsApp would refuse: a count or a length out of bounds. */
export class IntentOverLimit extends Schema.TaggedError<IntentOverLimit>()("IntentOverLimit", {
  field: Schema.String,
  bound: Schema.Literals(["at most", "at least"]),
  limit: Schema.Number,
  actual: Schema.Number,
}) {
  override get message() {
    return `${this.field} must be ${this.bound} ${this.limit} (is ${this.actual})`
  }
}
