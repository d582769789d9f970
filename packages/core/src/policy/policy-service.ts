import { Context, Layer } from "effect"
import type { MarketplacePolicy } from "./policy.ts"

/** The marketplace policy in force, provided by the composition root. */
export class Policy extends Context.Service<Policy, MarketplacePolicy>()("@fundi/core/Policy") {}

export const layerPolicy = (policy: MarketplacePolicy) => Layer.succeed(Policy, policy)
