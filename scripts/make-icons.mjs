// Draws the app icons (a white "A" on blue) as PNGs with zlib only, so no image tool is needed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

function crc32(buf) {
  let c,
    crc = 0xffffffff;
  for (const b of buf) {
    c = (crc ^ b) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
function icon(size) {
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3);
    for (let x = 0; x < size; x++) {
      const u = x / size,
        v = y / size;
      // Letter A: two slanted strokes and a bar.
      const left = Math.abs(u - (0.5 - (v - 0.2) * 0.45)) < 0.06 && v > 0.2 && v < 0.8;
      const right = Math.abs(u - (0.5 + (v - 0.2) * 0.45)) < 0.06 && v > 0.2 && v < 0.8;
      const bar = v > 0.55 && v < 0.63 && u > 0.36 && u < 0.64;
      const white = left || right || bar;
      row[1 + x * 3] = white ? 255 : 0x1c;
      row[2 + x * 3] = white ? 255 : 0x7e;
      row[3 + x * 3] = white ? 255 : 0xd6;
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
const dir = new URL('../web/public/icons/', import.meta.url);
mkdirSync(dir, { recursive: true });
for (const s of [192, 512]) writeFileSync(new URL(`icon-${s}.png`, dir), icon(s));
