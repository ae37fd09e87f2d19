import type { Pdu } from 'smpp';

/** What a delivery receipt says about one submitted message (one SMS part). */
export interface SmsDeliveryReceipt {
  /** The message_id the SMSC gave in submit_sm_resp. */
  messageId: string;
  /** delivered / undelivered are final; enroute means "not yet" and is not recorded. */
  state: 'delivered' | 'undelivered' | 'enroute';
  /** The SMSC's word for it (DELIVRD, UNDELIV, EXPIRED, …) and its error code, for the record. */
  stat: string;
  err: string | null;
}

/** SMPP 3.4 §5.2.12 esm_class bits 5–2: 0001 = SMSC delivery receipt. */
const RECEIPT_MASK = 0x3c;
const SMSC_DELIVERY_RECEIPT = 0x04;

/** message_state values (SMPP 3.4 §5.2.28) and the stat words of Appendix B. */
const BY_STATE: Record<number, string> = {
  1: 'ENROUTE',
  2: 'DELIVRD',
  3: 'EXPIRED',
  4: 'DELETED',
  5: 'UNDELIV',
  6: 'ACCEPTD',
  7: 'UNKNOWN',
  8: 'REJECTD',
};
const DELIVERED = new Set(['DELIVRD', 'ACCEPTD']);
const UNDELIVERED = new Set(['EXPIRED', 'DELETED', 'UNDELIV', 'UNKNOWN', 'REJECTD']);

/**
 * Reads a deliver_sm: null when it is not a delivery receipt (a subscriber's reply). The TLVs
 * receipted_message_id and message_state (§5.3.2.12, §5.3.2.35) win; otherwise the text of Appendix B,
 * "id:IIIIIIIIII sub:SSS dlvrd:DDD submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DDDDDDD err:E …".
 */
export function parseDeliveryReceipt(pdu: Pdu): SmsDeliveryReceipt | null {
  const esm = typeof pdu.esm_class === 'number' ? pdu.esm_class : 0;
  if ((esm & RECEIPT_MASK) !== SMSC_DELIVERY_RECEIPT) return null;
  const sm = pdu.short_message as string | { message?: unknown } | Buffer | undefined;
  const text =
    typeof sm === 'string'
      ? sm
      : Buffer.isBuffer(sm)
        ? sm.toString('latin1')
        : typeof sm?.message === 'string'
          ? sm.message
          : '';
  const field = (name: string) => new RegExp(`(?:^|\\s)${name}:(\\S+)`, 'i').exec(text)?.[1] ?? null;
  const messageId =
    typeof pdu.receipted_message_id === 'string' && pdu.receipted_message_id ? pdu.receipted_message_id : field('id');
  if (!messageId) return null;
  const stat = (
    typeof pdu.message_state === 'number' && BY_STATE[pdu.message_state]
      ? BY_STATE[pdu.message_state]!
      : (field('stat') ?? 'UNKNOWN')
  ).toUpperCase();
  const state = DELIVERED.has(stat) ? 'delivered' : UNDELIVERED.has(stat) ? 'undelivered' : 'enroute';
  return { messageId, state, stat, err: field('err') };
}

/**
 * The ids a receipt's id may have been written as: some SMSCs answer submit_sm_resp with a hex id
 * and put it in decimal in the receipt text (or the other way round).
 */
export function messageIdCandidates(id: string): string[] {
  const out = new Set([id]);
  if (/^\d{1,15}$/.test(id)) {
    const hex = Number(id).toString(16);
    out.add(hex).add(hex.toUpperCase());
  }
  if (/^[0-9a-f]{1,12}$/i.test(id)) out.add(String(parseInt(id, 16)));
  return [...out];
}
