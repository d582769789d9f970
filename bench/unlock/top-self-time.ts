// Reads a V8 .cpuprofile (bench/unlock/run.ts --cpu-prof FILE) and prints where the
// process spent its own CPU: the top functions by self time, and self time per package.
// `node bench/unlock/top-self-time.ts FILE [N]`
import { readFileSync } from "node:fs"

interface ProfileNode {
  readonly id: number
  readonly callFrame: {
    readonly functionName: string
    readonly url: string
    readonly lineNumber: number
  }
}

interface CpuProfile {
  readonly nodes: ReadonlyArray<ProfileNode>
  readonly samples: ReadonlyArray<number>
  readonly timeDeltas: ReadonlyArray<number>
}

const [file, topText = "25"] = process.argv.slice(2)
if (file === undefined) {
  console.error("usage: node bench/unlock/top-self-time.ts FILE.cpuprofile [N]")
  process.exit(2)
}
const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile
const byId = new Map(profile.nodes.map((node) => [node.id, node]))

/** Where a script lives, short: the package for dependencies, the repo path for ours. */
const placeOf = (url: string): string => {
  if (url === "") return "(native)"
  const dependency = /node_modules\/\.pnpm\/([^/]+)\//.exec(url)
  if (dependency?.[1] !== undefined) return dependency[1].replace(/@[\d.]+.*$/, "")
  if (url.startsWith("node:")) return "node"
  const ours = url.indexOf("/packages/")
  return ours >= 0 ? url.slice(ours + 1) : url
}

const selfUs = new Map<string, number>()
const perPlace = new Map<string, number>()
let totalUs = 0
profile.samples.forEach((nodeId, i) => {
  const node = byId.get(nodeId)
  const delta = profile.timeDeltas[i] ?? 0
  if (node === undefined) return
  const { functionName, url, lineNumber } = node.callFrame
  const place = placeOf(url)
  const key = `${functionName || "(anonymous)"}  ${place}${url === "" ? "" : `:${lineNumber + 1}`}`
  selfUs.set(key, (selfUs.get(key) ?? 0) + delta)
  // Idle and GC are not attributed to a package, but are counted against the total.
  const bucket = url === "" ? functionName || "(native)" : place.split("/")[0]!
  perPlace.set(bucket, (perPlace.get(bucket) ?? 0) + delta)
  totalUs += delta
})

const share = (us: number) => `${((us / totalUs) * 100).toFixed(1).padStart(5)}%`
const top = (map: Map<string, number>, n: number) =>
  [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, n)

console.log(`${(totalUs / 1e6).toFixed(2)} s sampled`)
console.log("self time by function:")
for (const [key, us] of top(selfUs, Number(topText))) {
  console.log(`  ${share(us)} ${(us / 1000).toFixed(0).padStart(7)} ms  ${key}`)
}
console.log("self time by package (or native bucket):")
for (const [key, us] of top(perPlace, 15)) {
  console.log(`  ${share(us)} ${(us / 1000).toFixed(0).padStart(7)} ms  ${key}`)
}
