import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';

/** A multipart/form-data body with one file in the field `file`, as a browser's FormData sends it. */
export function multipartFile(fileName: string, data: Buffer, contentType = 'application/octet-stream') {
  const boundary = `----abonentTest${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\n` +
      `Content-Type: ${contentType}\r\n\r\n`,
  );
  return {
    payload: Buffer.concat([head, data, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/** A phone photo: a JPEG whose EXIF has the camera and a GPS position (Saint Petersburg). */
export function photoWithGps(width = 64, height = 48): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 30, b: 30 } } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'TestCam', Model: 'Phone 1' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '59/1 56/1 30/1', GPSLongitudeRef: 'E', GPSLongitude: '30/1 18/1 0/1' },
    })
    .toBuffer();
}

/** The tags of IFD0 in an EXIF block (0x8825 points to the GPS IFD). */
export function exifTags(exif: Buffer): number[] {
  let b = exif;
  if (b.subarray(0, 6).toString('latin1') === 'Exif\0\0') b = b.subarray(6);
  const le = b.toString('latin1', 0, 2) === 'II';
  const u16 = (o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
  const u32 = (o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const ifd = u32(4);
  return Array.from({ length: u16(ifd) }, (_, i) => u16(ifd + 2 + i * 12));
}

/** A minimal valid one-page PDF. */
export function tinyPdf(): Buffer {
  return Buffer.from(
    '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
      '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
  );
}

export async function upload(
  app: FastifyInstance,
  url: string,
  auth: Record<string, string>,
  fileName: string,
  data: Buffer,
) {
  const m = multipartFile(fileName, data, 'image/jpeg');
  return app.inject({ method: 'POST', url, headers: { ...auth, ...m.headers }, payload: m.payload });
}
