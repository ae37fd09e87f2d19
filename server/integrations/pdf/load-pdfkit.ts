import type PDFKitDocument from 'pdfkit';

let loaded: Promise<typeof PDFKitDocument> | null = null;

/**
 * PDFKit is loaded on the first document, not at start: the RADIUS and job processes never render one,
 * and every process (and test file) that imports the app would otherwise pay for it.
 */
export function loadPdfKit(): Promise<typeof PDFKitDocument> {
  loaded ??= import('pdfkit').then((m) => m.default);
  return loaded;
}
