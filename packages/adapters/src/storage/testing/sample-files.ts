import { crc32, deflateSync } from "node:zlib"

/**
 * Small but real files for tests of uploads: each is what a viewer would open, built from
 * its format's magic number and a minimal body, so type detection sees what it would see
 * in a real proof of payment. None is a fixture on disk: tests can vary them freely.
 */

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text)

const concat = (...parts: ReadonlyArray<Uint8Array | ReadonlyArray<number>>): Uint8Array => {
  const arrays = parts.map((p) => (p instanceof Uint8Array ? p : Uint8Array.from(p)))
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.byteLength, 0))
  let offset = 0
  for (const a of arrays) {
    out.set(a, offset)
    offset += a.byteLength
  }
  return out
}

const u32 = (n: number): Array<number> => [
  (n >>> 24) & 255,
  (n >>> 16) & 255,
  (n >>> 8) & 255,
  n & 255,
]

const pngChunk = (type: string, data: Uint8Array): Uint8Array => {
  const typed = concat(ascii(type), data)
  return concat(u32(data.byteLength), typed, u32(crc32(typed)))
}

/** A 1x1 PNG (8-bit greyscale) with valid CRCs; `shade` varies the pixel and so the hash. */
export const samplePng = (shade = 0): Uint8Array =>
  concat(
    [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
    pngChunk("IHDR", concat(u32(1), u32(1), [8, 0, 0, 0, 0])),
    pngChunk("IDAT", deflateSync(Uint8Array.from([0, shade & 255]))),
    pngChunk("IEND", new Uint8Array(0)),
  )

/** A JFIF JPEG: SOI, the APP0 header, a comment (varied by `note`) and EOI. */
export const sampleJpeg = (note = "proof"): Uint8Array => {
  const comment = ascii(note)
  return concat(
    [0xff, 0xd8],
    [0xff, 0xe0, 0x00, 0x10],
    ascii("JFIF\0"),
    [0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00],
    [0xff, 0xfe, ((comment.byteLength + 2) >> 8) & 255, (comment.byteLength + 2) & 255],
    comment,
    [0xff, 0xd9],
  )
}

/** A one-page PDF with a cross-reference table; `text` is the page's content stream. */
export const samplePdf = (text = "Paid R100 ref FND-ABC123"): Uint8Array => {
  const stream = `BT /F1 12 Tf 72 720 Td (${text.replace(/[()\\]/g, "")}) Tj ET`
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
  ]
  let body = "%PDF-1.4\n"
  const offsets: Array<number> = []
  objects.forEach((o, i) => {
    offsets.push(body.length)
    body += `${i + 1} 0 obj\n${o}\nendobj\n`
  })
  const xref = body.length
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`
  for (const at of offsets) body += `${String(at).padStart(10, "0")} 00000 n \n`
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`
  return ascii(body)
}

/** Plain text, e.g. a ".pdf" that is not one. */
export const sampleText = (text = "I paid, honestly. Ref FND-ABC123\n"): Uint8Array => ascii(text)

/** A GIF header: a real image format Fundi does not accept. */
export const sampleGif = (): Uint8Array => concat(ascii("GIF89a"), [1, 0, 1, 0, 0, 0, 0], [0x3b])
