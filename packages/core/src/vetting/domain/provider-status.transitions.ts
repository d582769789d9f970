import type { PartyStatus } from "./party.ts"

export type StatusCommandTag = "Activate" | "Deactivate" | "Suspend" | "Reinstate"

/**
 * Party status (DESIGN.md): pending -> active <-> inactive, active -> suspended -> active.
 * Activate from pending happens on approval; from inactive it needs an approved application.
 */
export const statusTransitions: {
  readonly [S in PartyStatus]: { readonly [C in StatusCommandTag]?: PartyStatus }
} = {
  pending: { Activate: "active" },
  active: { Deactivate: "inactive", Suspend: "suspended" },
  inactive: { Activate: "active" },
  suspended: { Reinstate: "active" },
}
