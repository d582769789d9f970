export { type MakeAppOptions, makeApp } from "./app.ts"
export {
  type DomainError,
  type ErrorBody,
  type ErrorLogger,
  type ErrorResponse,
  errorCode,
  statusOf,
  type UnexpectedError,
} from "./error-response.ts"
export { buildOpenApiDocument } from "./openapi.ts"
export type { ApiRuntime, ApiServices } from "./run-effect.ts"
export { type RunningServer, type ServerOptions, startServer } from "./server.ts"
