import * as fc from "fast-check"
import {
  arbActor,
  arbApplicationId,
  arbAuditId,
  arbInstant,
  arbPartyId,
  arbText,
} from "../../shared/testing/shared.arbitraries.ts"
import { type AuditEntry, MARKETPLACE_SUBJECT_ID } from "../domain/audit-entry.ts"

export const arbAuditAction: fc.Arbitrary<string> = fc.constantFrom(
  "party.sign_up",
  "party.suspend",
  "party.reinstate",
  "application.submit",
  "application.approve",
  "application.reject",
  "marketplace.replace_policy",
)

/** Small JSON details of the kinds the use cases write: states, results, counts. */
const arbDetails: fc.Arbitrary<Record<string, unknown>> = fc.dictionary(
  fc.constantFrom("from", "to", "result", "completeness", "reference", "fields"),
  fc.oneof(
    arbText(30),
    fc.integer({ min: 0, max: 100 }),
    fc.boolean(),
    fc.array(arbText(10), { maxLength: 3 }),
    fc.record({ from: arbText(10), to: arbText(10) }),
  ),
  { maxKeys: 4 },
)

export const arbAuditEntry: fc.Arbitrary<AuditEntry> = fc
  .record(
    {
      id: arbAuditId,
      actor: arbActor,
      action: arbAuditAction,
      subject: fc.oneof(
        arbPartyId.map((subjectId: string) => ({ subjectType: "party" as const, subjectId })),
        arbApplicationId.map((subjectId: string) => ({
          subjectType: "application" as const,
          subjectId,
        })),
        fc.constant({ subjectType: "marketplace" as const, subjectId: MARKETPLACE_SUBJECT_ID }),
      ),
      reason: arbText(200),
      details: arbDetails,
      at: arbInstant,
    },
    { requiredKeys: ["id", "actor", "action", "subject", "details", "at"] },
  )
  .map(({ subject, ...entry }) => ({ ...entry, ...subject }))
