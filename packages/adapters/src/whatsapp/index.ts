export { type InboxWorker, type InboxWorkerOptions, startInboxWorker } from "./inbox-worker.ts"
export { layerMediaSourceGraph, type MediaSourceGraphOptions } from "./media-source.graph.ts"
export { layerMediaSourceSimulator, simulatorMediaPrefix } from "./media-source.simulator.ts"
export {
  type CloudApiSenderOptions,
  layerCloudApiNotifier,
  makeCloudApiNotifier,
} from "./message-sender.cloud-api.ts"
export { type NormalizedWebhook, normalizeWebhook, toE164 } from "./webhook-normalizer.ts"
export { escapeNonAscii, signatureHeader, verifySignature } from "./webhook-signature.ts"
