import { Schema } from "effect"

export class TopUpNotFound extends Schema.TaggedError<TopUpNotFound>()("TopUpNotFound", {
  topUpId: Schema.String,
}) {
  override get message() {
    return `no top-up ${this.topUpId}`
  }
}

/** Spending would pass the provider's own weekly credit budget. */
export class WeeklyBudgetExceeded extends Schema.TaggedError<WeeklyBudgetExceeded>()(
  "WeeklyBudgetExceeded",
  {
    budget: Schema.Number,
    spent: Schema.Number,
    requested: Schema.Number,
    resetsAt: Schema.Number,
  },
) {
  override get message() {
    return `this would spend ${this.spent + this.requested} credits this week; the weekly budget is ${this.budget} (it resets ${new Date(this.resetsAt).toISOString()})`
  }
}

/** Only providers have wallets. */
export class NotAProvider extends Schema.TaggedError<NotAProvider>()("NotAProvider", {
  partyId: Schema.String,
}) {
  override get message() {
    // Parties are homeowners or providers: only providers have wallets, reach and leads.
    return `party ${this.partyId} is not a provider: it is a homeowner`
  }
}

/** A top-up must buy between the policy's smallest and largest number of credits. */
export class TopUpOutOfRange extends Schema.TaggedError<TopUpOutOfRange>()("TopUpOutOfRange", {
  credits: Schema.Number,
  min: Schema.Number,
  max: Schema.Number,
}) {
  override get message() {
    return `a top-up buys between ${this.min} and ${this.max} credits, not ${this.credits}`
  }
}

/** Only the provider who created a top-up may send its proof of payment. */
export class NotTopUpOwner extends Schema.TaggedError<NotTopUpOwner>()("NotTopUpOwner", {
  topUpId: Schema.String,
  partyId: Schema.String,
}) {
  override get message() {
    return `top-up ${this.topUpId} belongs to another provider than ${this.partyId}`
  }
}

/** The top-up has no proof of payment yet. */
export class NoProofOfPayment extends Schema.TaggedError<NoProofOfPayment>()("NoProofOfPayment", {
  topUpId: Schema.String,
}) {
  override get message() {
    return `top-up ${this.topUpId} has no proof of payment`
  }
}
