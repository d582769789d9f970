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
    return `party ${this.partyId} is not a provider: only providers have wallets`
  }
}
