import type { Flow } from "../flow.ts"
import { textStep } from "./steps.ts"

/** Someone new joins, as a homeowner or a provider (`kind`, set when the flow starts). */
export const signUpFlow: Flow = {
  id: "sign_up",
  steps: [
    textStep({
      flow: "sign_up",
      id: "name",
      question: () => "Welcome! What is your name?",
      min: 1,
      max: 80,
      tooShort: "Please type your name.",
    }),
  ],
  stepOfField: { profile: "name", phone: "name" },
}
