import type { Health, Notifier, VettingServices } from "@fundi/core"
import type { ManagedRuntime } from "effect"
import type { FundiConfig } from "./config.ts"

/** Every service the edges (http, cli) can run effects with. */
export type FundiServices = VettingServices | Health | Notifier

export interface Fundi {
  readonly config: FundiConfig
  readonly runtime: ManagedRuntime.ManagedRuntime<FundiServices, never>
  /** Closes the pool or the embedded database; idempotent. */
  readonly close: () => Promise<void>
}

/** TODO(root): build the inversify container, the Layer and the ManagedRuntime. */
export const openFundi = async (_config: FundiConfig): Promise<Fundi> => {
  throw new Error("not implemented")
}
