import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { AuditLog } from "../../audit/ports/audit-log.ts"
import type { PartyId } from "../../shared/ids.ts"
import type { Instant } from "../../shared/time.ts"
import { layerInMemory } from "../../vetting/testing/layer-in-memory.ts"
import { SecureLinks } from "../ports/secure-links.ts"
import { listLinks, revokeLink } from "./links.ts"

const partyId = "pty_00000000000000000001" as PartyId

describe("link use cases", () => {
  it.effect("ops revoke a link once (audited with operator and reason); it stops opening", () =>
    Effect.gen(function* () {
      const links = yield* SecureLinks
      const issued = yield* links.issue({
        partyId,
        scope: "handover",
        objectId: "req_00000000000000000001",
        expiresAt: 10_000_000 as Instant,
      })
      const by = { linkId: issued.link.id, operator: "thandi", reason: "sent to the wrong number" }
      const revoked = yield* revokeLink(by)
      expect(revoked).toMatchObject({ revokedBy: "thandi", revokeReason: by.reason })
      yield* revokeLink({ ...by, operator: "sipho" })
      const rows = yield* (yield* AuditLog).list({ subjectId: issued.link.id })
      expect(rows.map((r) => [r.action, r.reason])).toEqual([["link.revoke", by.reason]])
      const opened = yield* Effect.exit(links.resolve(issued.token, { scope: "handover" }))
      expect(Exit.isFailure(opened) && String(opened.cause)).toContain("LinkRevoked")
      expect((yield* listLinks({ partyId })).map((l) => l.revokedBy)).toEqual(["thandi"])
    }).pipe(Effect.provide(layerInMemory())),
  )

  it.effect("bad input names the field; an unknown link is LinkNotFound", () =>
    Effect.gen(function* () {
      const bad = yield* Effect.flip(revokeLink({ linkId: "nope", operator: "a", reason: "b" }))
      expect(bad._tag).toBe("InvalidInput")
      expect(bad._tag === "InvalidInput" && bad.issues[0]?.path).toBe("linkId")
      const missing = yield* Effect.flip(
        revokeLink({ linkId: "lnk_00000000000000000000", operator: "a", reason: "b" }),
      )
      expect(missing._tag).toBe("LinkNotFound")
      expect((yield* Effect.flip(listLinks({ partyId: "x" })))._tag).toBe("InvalidInput")
    }).pipe(Effect.provide(layerInMemory())),
  )
})
