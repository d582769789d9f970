import { Option } from "effect"
import type { ChannelError, DeliveryState } from "../../conversation/domain/inbound.ts"

/**
 * Delivery statuses arrive at least once and in any order (WhatsApp retries its webhook
 * and does not order deliveries), so the recorded state must not depend on arrival order.
 * It is the highest state reported so far, in this order:
 *
 *   sent < failed < delivered < read
 *
 * - `delivered` may be skipped: a `read` that comes first is simply higher.
 * - `failed` beats `sent` but not `delivered`/`read`: a phone that reported the message
 *   delivered or read has it, whatever a failure report says (a late or misordered
 *   failure for a message that arrived is noise, and the proof of delivery wins).
 * - A replay, or anything lower than what we have, changes nothing.
 *
 * Taking the maximum is commutative, associative and idempotent, so any permutation of
 * any repetition of the same statuses ends in the same state.
 */
const rank: Record<DeliveryState, number> = { sent: 0, failed: 1, delivered: 2, read: 3 }

/** The state to record when `incoming` is reported, or none when nothing changes. */
export const advanceDelivery = (
  current: DeliveryState | undefined,
  incoming: DeliveryState,
): Option.Option<DeliveryState> =>
  current === undefined || rank[incoming] > rank[current] ? Option.some(incoming) : Option.none()

/**
 * WhatsApp error codes that will not go away by trying again: the number cannot receive
 * (131026), the person stopped marketing messages (131050), the 24-hour window is closed
 * and no template was sent (131047, and 470 its older name), an experiment holds the
 * number (130472), Meta chose not to deliver (131049), an unsupported message type
 * (131051), the country is not allowed (130403), a bad parameter (100, 131008, 131009),
 * template problems (132000-132016), the account is locked or not paying (131031, 131042),
 * and a bad or expired access token (190).
 */
const permanentCodes: ReadonlySet<number> = new Set([
  100, 190, 470, 130403, 130472, 131008, 131009, 131021, 131026, 131031, 131042, 131045, 131047,
  131049, 131050, 131051,
])

/**
 * Whether a WhatsApp error code is not worth retrying. Everything else is retried:
 * throttling (4, 613, 80007, 130429, 131048, 131056), "something went wrong" (131000,
 * 131016, 133004) and codes we do not know. The retry policy caps the attempts, so a
 * wrong guess costs a few attempts, never forever, while calling an unknown code permanent
 * could drop a message that would have gone.
 */
export const isPermanentWhatsAppError = (code: number): boolean =>
  permanentCodes.has(code) || (code >= 132_000 && code <= 132_016)

/** How a channel error reads in the outbox (`fundi ops outbox list --failed`). */
export const describeChannelError = (error: ChannelError): string =>
  `${error.code} ${error.title}${error.detail === undefined || error.detail === "" ? "" : `: ${error.detail}`}`
