/**
 * Small uploads for tests, built from each format's magic number: what content detection
 * looks at. (core has no TextEncoder in its types: text here is ASCII, byte per char.)
 */
export const asciiBytes = (text: string): Uint8Array =>
  Uint8Array.from([...text].map((c) => c.charCodeAt(0) & 0xff))

/** A minimal PDF; `note` varies its bytes and so its hash. */
export const samplePdf = (note = "proof of payment"): Uint8Array =>
  asciiBytes(`%PDF-1.4\n% ${note}\n%%EOF\n`)

/** A JPEG: SOI, a JFIF APP0 header, `tail`, EOI. */
export const sampleJpeg = (tail: ReadonlyArray<number> = []): Uint8Array =>
  Uint8Array.from([
    0xff,
    0xd8,
    0xff,
    0xe0,
    0x00,
    0x10,
    ...asciiBytes("JFIF\0"),
    ...tail.map((b) => b & 0xff),
    0xff,
    0xd9,
  ])

/** The PNG signature followed by `tail`. */
export const samplePng = (tail: ReadonlyArray<number> = []): Uint8Array =>
  Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...tail.map((b) => b & 0xff)])
