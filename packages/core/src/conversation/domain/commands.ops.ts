import type { InboundContent } from "./inbound.ts"

/** Words anyone may type at any point; they win over the step a flow is waiting on. */
export const GlobalCommand = ["menu", "help", "status", "plans", "stop", "start"] as const
export type GlobalCommand = (typeof GlobalCommand)[number]

/** Other spellings people use for the same thing (WhatsApp's own opt-out words among them). */
const synonyms: Readonly<Record<string, GlobalCommand>> = {
  menu: "menu",
  hi: "menu",
  hello: "menu",
  cancel: "menu",
  back: "menu",
  help: "help",
  "?": "help",
  status: "status",
  plans: "plans",
  plan: "plans",
  "my plan": "plans",
  stop: "stop",
  unsubscribe: "stop",
  "opt out": "stop",
  start: "start",
  unstop: "start",
  subscribe: "start",
}

/** The text a person typed or the title of what they tapped, as a command word would be. */
const normalize = (text: string): string =>
  text
    .trim()
    .toLowerCase()
    .replace(/[.!]+$/u, "")
    .replace(/\s+/gu, " ")

/**
 * What the person said, as one command, button or list choice, or free text. Buttons and
 * list rows carry an id made by `actionId`; a command button is `cmd:<command>`.
 */
export type Said =
  | { readonly _tag: "command"; readonly command: GlobalCommand }
  | { readonly _tag: "action"; readonly action: Action }
  | { readonly _tag: "other" }

/** A tap on a button or row that is not tied to a flow step (menu entries, lead replies). */
export type Action =
  | {
      readonly _tag: "start_flow"
      readonly flow: string
      readonly data: Readonly<Record<string, string>>
    }
  | { readonly _tag: "offer"; readonly offerId: string; readonly verb: OfferVerb }
  | { readonly _tag: "pick_time"; readonly offerId: string; readonly slot: number | "none" }
  /** An id we do not (or no longer) recognise: an old button, a flow that has ended. */
  | { readonly _tag: "unknown"; readonly id: string }

export const OfferVerb = ["unlock", "accept", "decline", "propose"] as const
export type OfferVerb = (typeof OfferVerb)[number]

/** The ids buttons and rows carry; `parseActionId` reads them back. */
export const actionId = {
  command: (command: GlobalCommand) => `cmd:${command}`,
  startFlow: (flow: string, arg?: string) =>
    arg === undefined ? `flow:${flow}` : `flow:${flow}:${arg}`,
  offer: (offerId: string, verb: OfferVerb) => `offer:${offerId}:${verb}`,
  pickTime: (offerId: string, slot: number | "none") => `times:${offerId}:${slot}`,
  /** An answer to a flow step: only meaningful while that step is open. */
  answer: (step: string, value: string) => `ans:${step}:${value}`,
} as const

const isCommand = (word: string): word is GlobalCommand =>
  (GlobalCommand as ReadonlyArray<string>).includes(word)

/** Reads a button or row id back into an action; anything malformed is `unknown`, never a throw. */
export const parseActionId = (id: string): Action | GlobalCommand | undefined => {
  const [kind, first, second, ...rest] = id.split(":")
  if (rest.length > 0) return { _tag: "unknown", id }
  if (kind === "cmd" && first !== undefined && second === undefined && isCommand(first)) {
    return first
  }
  if (kind === "flow" && first !== undefined && first.length > 0) {
    return {
      _tag: "start_flow",
      flow: first,
      data: second === undefined ? {} : { arg: second },
    }
  }
  if (
    kind === "offer" &&
    first &&
    second &&
    (OfferVerb as ReadonlyArray<string>).includes(second)
  ) {
    return { _tag: "offer", offerId: first, verb: second as OfferVerb }
  }
  if (kind === "times" && first && second !== undefined) {
    if (second === "none") return { _tag: "pick_time", offerId: first, slot: "none" }
    if (/^[0-2]$/u.test(second)) return { _tag: "pick_time", offerId: first, slot: Number(second) }
  }
  // Step answers ("ans:...") are read by the flow whose step is open, not here.
  if (kind === "ans") return undefined
  return { _tag: "unknown", id }
}

/** The id of what was tapped, if the content is a tap at all. */
export const tappedId = (content: InboundContent): string | undefined => {
  switch (content._tag) {
    case "button_reply":
    case "list_reply":
      return content.id
    case "quick_reply":
      return content.payload
    default:
      return undefined
  }
}

/** Classifies an inbound message before any flow sees it. */
export const classify = (content: InboundContent): Said => {
  const id = tappedId(content)
  if (id !== undefined) {
    const parsed = parseActionId(id)
    if (parsed === undefined) return { _tag: "other" }
    return typeof parsed === "string"
      ? { _tag: "command", command: parsed }
      : { _tag: "action", action: parsed }
  }
  if (content._tag === "text") {
    const command = synonyms[normalize(content.body)]
    if (command !== undefined) return { _tag: "command", command }
  }
  return { _tag: "other" }
}
