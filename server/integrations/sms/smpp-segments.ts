import smpp from 'smpp';

/**
 * How a text becomes SMPP 3.4 submit_sm PDUs (docs/notifications.md, "SMS over SMPP").
 *
 * - Encoding: GSM 03.38 default alphabet (data_coding 0, one octet per septet as SMPP carries it,
 *   extension characters take two) when every character has a GSM code, else UCS-2 (data_coding 8,
 *   two octets per UTF-16 unit; a surrogate pair is never split).
 * - One SMS carries at most 140 octets of user data (3GPP TS 23.040 §9.2.3.24: TP-UDL ≤ 140 octets),
 *   UDH included. A text that fits goes as one plain PDU.
 * - A longer one, per gateway setting:
 *   - `udh` (default): parts with the concatenation header 05 00 03 <ref> <total> <seq> (23.040
 *     §9.2.3.24.1) and esm_class UDHI 0x40 — 134 octets of text a part: 67 UCS-2 characters;
 *   - `sar`: parts with the SMPP TLVs sar_msg_ref_num / sar_total_segments / sar_segment_seqnum
 *     (SMPP 3.4 §5.3.2.22–24), 140 octets a part (70 UCS-2 characters), no header in the text;
 *   - `payload`: one PDU, the whole text in the message_payload TLV (§5.3.2.32, up to 64 K octets)
 *     and an empty short_message; the SMSC splits it.
 *   GSM texts are counted in octets as SMPP carries them (unpacked), so a part is never over 140
 *   octets whatever the SMSC does with it.
 * - At most 255 parts (the header's counters are one octet).
 */
export type LongMessageMode = 'udh' | 'sar' | 'payload';

export const MAX_USER_DATA_OCTETS = 140;
const UDH_CONCAT_OCTETS = 6;
const MAX_PARTS = 255;
const MAX_PAYLOAD_OCTETS = 65_535;
export const DATA_CODING = { gsm7: 0x00, ucs2: 0x08 } as const;
export const ESM_CLASS_UDHI = 0x40;

export interface SmsPartFields {
  /** 1-based part number. */
  seq: number;
  total: number;
  /** The submit_sm fields of this part (without source/destination). */
  fields: Record<string, unknown>;
  /** Octets of short_message (0 with message_payload). */
  octets: number;
}

/** A text that cannot be sent as SMS at all (retrying would not help). */
export class SmsTooLongError extends Error {
  readonly permanent = true;
}

interface Unit {
  bytes: Buffer;
}

function encode(text: string): { coding: keyof typeof DATA_CODING; units: Unit[] } {
  if (smpp.encodings.ASCII.match(text)) {
    // Per character: basic characters are one septet, extension ones an escape and a septet.
    return { coding: 'gsm7', units: [...text].map((ch) => ({ bytes: smpp.encodings.ASCII.encode(ch) })) };
  }
  // Per code point: a character outside the BMP is a surrogate pair (four octets), kept together.
  return { coding: 'ucs2', units: [...text].map((ch) => ({ bytes: smpp.encodings.UCS2.encode(ch) })) };
}

function chunk(units: Unit[], capacity: number): Buffer[] {
  const parts: Buffer[] = [];
  let current: Buffer[] = [];
  let size = 0;
  for (const u of units) {
    if (size + u.bytes.length > capacity) {
      parts.push(Buffer.concat(current));
      current = [];
      size = 0;
    }
    current.push(u.bytes);
    size += u.bytes.length;
  }
  if (current.length) parts.push(Buffer.concat(current));
  return parts;
}

/**
 * The submit_sm parts of a text. `reference` identifies the concatenated message (the outbox id):
 * the same on every attempt, so parts sent again after a dropped connection join the first ones.
 */
export function splitSms(text: string, mode: LongMessageMode, reference: number): SmsPartFields[] {
  const { coding, units } = encode(text);
  const dataCoding = DATA_CODING[coding];
  const all = Buffer.concat(units.map((u) => u.bytes));
  if (all.length <= MAX_USER_DATA_OCTETS) {
    return [{ seq: 1, total: 1, octets: all.length, fields: { data_coding: dataCoding, short_message: all } }];
  }
  if (mode === 'payload') {
    if (all.length > MAX_PAYLOAD_OCTETS) throw new SmsTooLongError(`SMS text too long: ${all.length} octets`);
    return [
      {
        seq: 1,
        total: 1,
        octets: 0,
        fields: { data_coding: dataCoding, short_message: Buffer.alloc(0), message_payload: all },
      },
    ];
  }
  const chunks = chunk(units, mode === 'udh' ? MAX_USER_DATA_OCTETS - UDH_CONCAT_OCTETS : MAX_USER_DATA_OCTETS);
  if (chunks.length > MAX_PARTS) throw new SmsTooLongError(`SMS text too long: ${chunks.length} parts (at most 255)`);
  const total = chunks.length;
  return chunks.map((body, i) => {
    const seq = i + 1;
    if (mode === 'udh') {
      const udh = Buffer.from([0x05, 0x00, 0x03, reference % 256, total, seq]);
      const shortMessage = Buffer.concat([udh, body]);
      return {
        seq,
        total,
        octets: shortMessage.length,
        fields: { data_coding: dataCoding, esm_class: ESM_CLASS_UDHI, short_message: shortMessage },
      };
    }
    return {
      seq,
      total,
      octets: body.length,
      fields: {
        data_coding: dataCoding,
        short_message: body,
        sar_msg_ref_num: reference % 65_536,
        sar_total_segments: total,
        sar_segment_seqnum: seq,
      },
    };
  });
}
