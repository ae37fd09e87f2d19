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

/**
 * How GSM 03.38 text (data_coding 0) goes in short_message (SMPP_GSM7):
 * - `octets` (default): one septet per octet, at most 140 octets a part — 140 characters alone, 134 with
 *   a concatenation header. Every SMSC takes it, but a GSM part carries 13 % fewer characters than it could.
 * - `unpacked`: one septet per octet as SMPP usually carries it, the SMSC packs them for the air: 160
 *   characters alone, 153 a part (3GPP TS 23.040: 140 octets = 160 septets; the 6-octet header and its
 *   fill bit take 7 septets). short_message is then up to 160 octets.
 * - `packed`: Abonent packs the septets (3GPP TS 23.038 §6.1.2.1.1), with the fill bits after a header:
 *   160 / 153 characters in at most 140 octets. For an SMSC that takes data_coding 0 already packed.
 */
export type Gsm7Mode = 'octets' | 'unpacked' | 'packed';

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

/**
 * Packs septets (one per byte, < 0x80) into octets, least significant bits first (3GPP TS 23.038
 * §6.1.2.1.1). `fillBits` zero bits come first — after a user data header, so the text starts on a
 * septet boundary of the whole user data (23.040 §9.2.3.24).
 */
export function packSeptets(input: Buffer, fillBits = 0): Buffer {
  // Seven spare bits at the end would read as one more septet, '@' (0x00): 23.038 §6.1.2.3.1 pads with CR.
  const spare = (8 - ((input.length * 7 + fillBits) % 8)) % 8;
  const septets = spare === 7 ? Buffer.concat([input, Buffer.from([0x0d])]) : input;
  const out = Buffer.alloc(Math.ceil((septets.length * 7 + fillBits) / 8));
  let bit = fillBits;
  for (const s of septets) {
    const byte = bit >> 3;
    const shift = bit & 7;
    out[byte]! |= (s << shift) & 0xff;
    if (shift > 1) out[byte + 1]! |= s >> (8 - shift);
    bit += 7;
  }
  return out;
}

/** The inverse of packSeptets: `count` septets from packed octets after `fillBits`. */
export function unpackSeptets(octets: Buffer, count: number, fillBits = 0): Buffer {
  const out = Buffer.alloc(count);
  for (let i = 0, bit = fillBits; i < count; i++, bit += 7) {
    const byte = bit >> 3;
    const shift = bit & 7;
    let v = octets[byte]! >> shift;
    if (shift > 1) v |= (octets[byte + 1] ?? 0) << (8 - shift);
    out[i] = v & 0x7f;
  }
  return out;
}

/** Septets of GSM text one SMS holds alone, and per part after a concatenation header (23.040). */
const GSM_SEPTETS_SINGLE = 160;
const GSM_SEPTETS_PART = 153;
/** The 6-octet concatenation header is 48 bits: one fill bit brings the text to a septet boundary. */
const UDH_FILL_BITS = 1;

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
export function splitSms(
  text: string,
  mode: LongMessageMode,
  reference: number,
  gsm7: Gsm7Mode = 'octets',
): SmsPartFields[] {
  const { coding, units } = encode(text);
  const dataCoding = DATA_CODING[coding];
  const all = Buffer.concat(units.map((u) => u.bytes));
  if (coding === 'gsm7' && gsm7 !== 'octets' && mode !== 'payload') return splitGsm(units, all, mode, reference, gsm7);
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

/**
 * GSM text at 160 characters a message / 153 a part (SMPP_GSM7 `unpacked` or `packed`): the septets go
 * one per octet for an SMSC that packs them, or packed here. The SAR TLVs leave room for the header the
 * SMSC adds, so SAR parts hold 153 characters too.
 */
function splitGsm(
  units: Unit[],
  all: Buffer,
  mode: Exclude<LongMessageMode, 'payload'>,
  reference: number,
  gsm7: Exclude<Gsm7Mode, 'octets'>,
): SmsPartFields[] {
  const body = (septets: Buffer, fill: number) => (gsm7 === 'packed' ? packSeptets(septets, fill) : septets);
  if (all.length <= GSM_SEPTETS_SINGLE) {
    const sm = body(all, 0);
    return [{ seq: 1, total: 1, octets: sm.length, fields: { data_coding: DATA_CODING.gsm7, short_message: sm } }];
  }
  const chunks = chunk(units, GSM_SEPTETS_PART);
  if (chunks.length > MAX_PARTS) throw new SmsTooLongError(`SMS text too long: ${chunks.length} parts (at most 255)`);
  const total = chunks.length;
  return chunks.map((septets, i) => {
    const seq = i + 1;
    if (mode === 'udh') {
      const udh = Buffer.from([0x05, 0x00, 0x03, reference % 256, total, seq]);
      const shortMessage = Buffer.concat([udh, body(septets, UDH_FILL_BITS)]);
      return {
        seq,
        total,
        octets: shortMessage.length,
        fields: { data_coding: DATA_CODING.gsm7, esm_class: ESM_CLASS_UDHI, short_message: shortMessage },
      };
    }
    const sm = body(septets, 0);
    return {
      seq,
      total,
      octets: sm.length,
      fields: {
        data_coding: DATA_CODING.gsm7,
        short_message: sm,
        sar_msg_ref_num: reference % 65_536,
        sar_total_segments: total,
        sar_segment_seqnum: seq,
      },
    };
  });
}
