import type { BulkState } from '../../api/schema';

export const STATE_COLOR = {
  queued: 'gray',
  running: 'blue',
  stopping: 'yellow',
  stopped: 'orange',
  done: 'green',
  failed: 'red',
} as const satisfies Record<BulkState, string>;

export const live = (s: BulkState) => s === 'queued' || s === 'running' || s === 'stopping';

export const whenStaff = (iso: string | null, lang: string) =>
  iso ? new Date(iso).toLocaleString(lang === 'en' ? 'en-GB' : 'ru-RU') : '—';
