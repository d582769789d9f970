export { layerObjectStoreLocal, makeObjectStoreLocal } from "./object-store.local.ts"
