import { existsSync } from 'node:fs';

/** DejaVu (Debian's fonts-dejavu-core) has full Cyrillic; PDFs embed it so any viewer shows Russian. */
const REGULAR = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
const BOLD = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';

export function registerFonts(doc: PDFKit.PDFDocument): void {
  if (!existsSync(REGULAR) || !existsSync(BOLD)) {
    throw new Error('Cyrillic fonts missing: apt-get install fonts-dejavu-core');
  }
  doc.registerFont('regular', REGULAR);
  doc.registerFont('bold', BOLD);
  doc.font('regular');
}

export function toBuffer(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}
