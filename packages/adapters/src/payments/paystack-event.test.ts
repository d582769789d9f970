import { Result } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { paystackEventKey, readPaystackEvent } from "./paystack-event.ts"

const bytes = (text: string) => new TextEncoder().encode(text)

describe("paystackEventKey", () => {
  const arbEvent = fc.stringMatching(/^[a-z]{1,12}\.[a-z_]{1,16}$/)
  const arbBody = fc.uint8Array({ minLength: 1, maxLength: 64 })

  it("an event with an id is keyed by its name and id, whatever else the body holds", () => {
    fc.assert(
      fc.property(
        arbEvent,
        fc.oneof(fc.integer({ min: 0 }), fc.string({ minLength: 1, maxLength: 20 })),
        fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue()),
        arbBody,
        arbBody,
        (event, id, rest, body, otherBody) => {
          const key = paystackEventKey(event, { ...rest, id }, body)
          expect(key).toBe(`${event}:${id}`)
          expect(paystackEventKey(event, { id }, otherBody)).toBe(key)
        },
      ),
    )
  })

  it("without a usable id, the same bytes give the same key and other bytes another", () => {
    fc.assert(
      fc.property(
        arbEvent,
        fc.constantFrom(undefined, null, {}, { id: "" }, { id: null }, { id: { n: 1 } }, []),
        arbBody,
        arbBody,
        (event, data, body, otherBody) => {
          const key = paystackEventKey(event, data, body)
          expect(key).toMatch(/^[a-z_.]+:sha256:[0-9a-f]{64}$/)
          expect(key.startsWith(`${event}:`)).toBe(true)
          expect(paystackEventKey(event, data, body.slice())).toBe(key)
          expect(paystackEventKey(event, data, otherBody) === key).toBe(
            Buffer.from(otherBody).equals(Buffer.from(body)),
          )
        },
      ),
    )
  })
})

describe("readPaystackEvent", () => {
  it("reads the event, its key and reference, keeping the whole payload", () => {
    const payload = { event: "charge.success", data: { id: 302961, reference: "FND-SUB-7K3Q9X" } }
    expect(readPaystackEvent(bytes(JSON.stringify(payload)))).toEqual(
      Result.succeed({
        key: "charge.success:302961",
        gateway: "paystack",
        event: "charge.success",
        reference: "FND-SUB-7K3Q9X",
        payload,
      }),
    )
  })

  it("says what is wrong with a body that is not an event, for any bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (body) => {
        const read = readPaystackEvent(body)
        if (Result.isSuccess(read)) expect(read.success.event).not.toBe("")
        else expect(["not JSON", "no event"]).toContain(read.failure)
      }),
    )
    expect(readPaystackEvent(bytes("{"))).toEqual(Result.fail("not JSON"))
    expect(readPaystackEvent(bytes('{"data":{}}'))).toEqual(Result.fail("no event"))
    expect(readPaystackEvent(bytes('{"event":"transfer.success","data":{}}'))).toMatchObject(
      Result.succeed({ event: "transfer.success" }),
    )
  })
})
