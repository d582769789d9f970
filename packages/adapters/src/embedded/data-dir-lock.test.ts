import { spawn } from "node:child_process"
import { existsSync, mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, describe, expect, it } from "vitest"
import { acquireDataDirLock, currentHolder, DataDirInUse, lockPathFor } from "./data-dir-lock.ts"

const children: Array<ReturnType<typeof spawn>> = []
afterEach(() => {
  for (const c of children.splice(0)) c.kill()
})

const liveProcess = () => {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" })
  children.push(child)
  return child.pid!
}

const deadPid = async () => {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" })
  await new Promise((resolve) => child.on("exit", resolve))
  return child.pid!
}

const freshDir = () => join(mkdtempSync(join(tmpdir(), "fundi-lock-")), "db")

describe("data directory lock", () => {
  it("is taken once: a second taker is told who holds it", () => {
    const dir = freshDir()
    const lock = acquireDataDirLock(dir, "fundi serve")
    expect(() => acquireDataDirLock(dir, "fundi ops applications list")).toThrow(DataDirInUse)
    try {
      acquireDataDirLock(dir, "second")
    } catch (e) {
      expect((e as Error).message).toContain(`process ${process.pid} (fundi serve`)
    }
    lock.release()
    expect(existsSync(lockPathFor(dir))).toBe(false)
    acquireDataDirLock(dir, "again").release()
  })

  it("refuses while another live process holds it", () => {
    const dir = freshDir()
    const pid = liveProcess()
    writeFileSync(
      lockPathFor(dir),
      JSON.stringify({ pid, command: "fundi serve", startedAt: "then" }),
    )
    expect(currentHolder(dir)?.pid).toBe(pid)
    expect(() => acquireDataDirLock(dir, "fundi serve")).toThrow(/already open by process/)
  })

  it("takes over a lock left by a process that is gone", async () => {
    const dir = freshDir()
    writeFileSync(
      lockPathFor(dir),
      JSON.stringify({ pid: await deadPid(), command: "fundi serve", startedAt: "then" }),
    )
    expect(currentHolder(dir)).toBeUndefined()
    const lock = acquireDataDirLock(dir, "fundi serve")
    expect(currentHolder(dir)?.pid).toBe(process.pid)
    lock.release()
  })

  it("announces where the holder shares the database", () => {
    const dir = freshDir()
    const lock = acquireDataDirLock(dir, "fundi serve")
    lock.announce({ host: "/tmp/x.sock", port: 5432 })
    expect(currentHolder(dir)?.socket).toEqual({ host: "/tmp/x.sock", port: 5432 })
    lock.release()
  })
})
