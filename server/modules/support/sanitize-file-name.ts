import { ATTACHMENT_TYPES, type AttachmentMime } from '../../../common/support.js';

/**
 * A file name safe to store and to send back in Content-Disposition: only its last path segment,
 * no control or reserved characters, at most 100 characters, and the extension of the type its
 * content really has (a "photo.jpg" that is a PDF becomes "photo.pdf").
 */
export function sanitizeFileName(raw: string, mime: AttachmentMime): string {
  const ext = ATTACHMENT_TYPES[mime];
  const last = raw.split(/[/\\]/).pop() ?? '';
  let base = last
    .normalize('NFC')
    // control characters, reserved on Windows, quotes and separators a header could trip on
    .replace(/[\p{Cc}\p{Cf}<>:"/\\|?*;%]/gu, '_')
    .replace(/\s+/g, ' ')
    .trim();
  base = base.replace(/\.[A-Za-z0-9]{1,5}$/, ''); // the extension is set from the content below
  base = base.replace(/^[.\s_]+|[.\s]+$/g, '');
  if (!base) base = 'file';
  return `${[...base].slice(0, 100).join('')}.${ext}`;
}
