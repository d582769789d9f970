import type { Flow } from "../flow.ts"
import { applyFlow } from "./apply.flow.ts"
import { declineReasonFlow } from "./decline-reason.flow.ts"
import { planFlow } from "./plan.flow.ts"
import { proposeTimesFlow } from "./propose-times.flow.ts"
import { requestHelpFlow } from "./request-help.flow.ts"
import { signUpFlow } from "./sign-up.flow.ts"
import { clarifyFlow, pickOfferFlow } from "./which.flow.ts"

/** Every flow by id: the session stores the id, so renaming one strands open sessions. */
export const flows: Readonly<Record<string, Flow>> = {
  [signUpFlow.id]: signUpFlow,
  [requestHelpFlow.id]: requestHelpFlow,
  [proposeTimesFlow.id]: proposeTimesFlow,
  [applyFlow.id]: applyFlow,
  [planFlow.id]: planFlow,
  [clarifyFlow.id]: clarifyFlow,
  [pickOfferFlow.id]: pickOfferFlow,
  [declineReasonFlow.id]: declineReasonFlow,
}

export {
  applyFlow,
  clarifyFlow,
  declineReasonFlow,
  pickOfferFlow,
  planFlow,
  proposeTimesFlow,
  requestHelpFlow,
  signUpFlow,
}
