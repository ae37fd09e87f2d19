import { type AddressInfo, createServer } from 'node:net';

import { describe, expect, it } from 'vitest';

import { startSmppPeer } from '../../test/peers.js';
import { messageIdCandidates, parseDeliveryReceipt } from './delivery-receipt.js';
import { SmppClient } from './smpp-client.js';
import { SmsTooLongError, splitSms } from './smpp-segments.js';

// 300 Cyrillic characters: 600 octets in UCS-2, far over one SMS (140 octets).
const russian300 = 'Уважаемый абонент! Баланс лицевого счёта 1234567 меньше абонентской платы. '
  .repeat(5)
  .slice(0, 300);

describe('SMS parts (SMPP 3.4 / 3GPP 23.040)', () => {
  it('a 300-character Russian text becomes five UDH parts of at most 67 characters and 140 octets', () => {
    expect(russian300).toHaveLength(300);
    const parts = splitSms(russian300, 'udh', 517);
    expect(parts.map((p) => p.octets)).toEqual([140, 140, 140, 140, 70]);
    for (const p of parts) {
      const sm = p.fields.short_message as Buffer;
      expect([...sm.subarray(0, 6)]).toEqual([0x05, 0x00, 0x03, 517 % 256, 5, p.seq]);
      expect(p.fields).toMatchObject({ data_coding: 0x08, esm_class: 0x40 });
    }
    const text = parts.map((p) => (p.fields.short_message as Buffer).subarray(6).swap16().toString('utf16le')).join('');
    expect(text).toBe(russian300);
  });

  it('SAR parts carry 70 characters and the reference in TLVs; payload sends one PDU', () => {
    const sar = splitSms(russian300, 'sar', 70_001);
    expect(sar.map((p) => p.octets)).toEqual([140, 140, 140, 140, 40]);
    expect(sar[2]!.fields).toMatchObject({
      sar_msg_ref_num: 70_001 % 65_536,
      sar_total_segments: 5,
      sar_segment_seqnum: 3,
    });
    expect(sar[2]!.fields).not.toHaveProperty('esm_class');
    const payload = splitSms(russian300, 'payload', 1);
    expect(payload).toHaveLength(1);
    expect((payload[0]!.fields.message_payload as Buffer).length).toBe(600);
    expect((payload[0]!.fields.short_message as Buffer).length).toBe(0);
  });

  it('one SMS stays one plain PDU: 70 Cyrillic or 140 GSM characters; GSM extension characters count twice', () => {
    expect(splitSms('Я'.repeat(70), 'udh', 1)).toMatchObject([
      { total: 1, octets: 140, fields: { data_coding: 0x08 } },
    ]);
    expect(splitSms('Я'.repeat(71), 'udh', 1)).toHaveLength(2);
    expect(splitSms('a'.repeat(140), 'udh', 1)).toMatchObject([
      { total: 1, octets: 140, fields: { data_coding: 0x00 } },
    ]);
    const euro = splitSms('€'.repeat(100), 'udh', 1); // 200 octets: the escape is never split from its character
    expect(euro.map((p) => p.octets)).toEqual([140, 72]);
    // A character outside the BMP is a surrogate pair: four octets that stay in one part.
    const emoji = splitSms(`${'Ж'.repeat(66)}😀конец`, 'udh', 1);
    expect(emoji[0]!.octets).toBe(6 + 132);
    expect(() => splitSms('Ж'.repeat(67 * 256), 'udh', 1)).toThrow(SmsTooLongError);
  });
});

describe('delivery receipts', () => {
  it('reads the SMPP 3.4 Appendix B text and the TLVs; only esm_class "SMSC delivery receipt" counts', () => {
    const text = 'id:1a2b3 sub:001 dlvrd:000 submit date:2611251000 done date:2611251001 stat:UNDELIV err:011 text:';
    expect(parseDeliveryReceipt({ esm_class: 0x04, short_message: { message: text } } as never)).toEqual({
      messageId: '1a2b3',
      state: 'undelivered',
      stat: 'UNDELIV',
      err: '011',
    });
    expect(
      parseDeliveryReceipt({
        esm_class: 0x04,
        receipted_message_id: 'X9',
        message_state: 2,
        short_message: '',
      } as never),
    ).toMatchObject({ messageId: 'X9', state: 'delivered', stat: 'DELIVRD' });
    expect(parseDeliveryReceipt({ esm_class: 0x00, short_message: { message: text } } as never)).toBeNull();
    expect(messageIdCandidates('255')).toEqual(['255', 'ff', 'FF', '597']);
  });
});

describe('SMPP client against an SMSC', () => {
  it('sends SAR and message_payload texts the SMSC puts back together', async () => {
    const smsc = await startSmppPeer({ maxOctets: 140 });
    for (const mode of ['sar', 'payload'] as const) {
      const client = new SmppClient({
        url: smsc.url,
        systemId: 'abonent',
        password: 'secret',
        sender: 'Abonent',
        longMessages: mode,
      });
      try {
        const parts = await client.send({ to: '79220000001', text: russian300, reference: 9 });
        expect(parts).toHaveLength(mode === 'sar' ? 5 : 1);
      } finally {
        await client.close();
      }
    }
    expect(smsc.messages).toEqual([
      { to: '79220000001', text: russian300 },
      { to: '79220000001', text: russian300 },
    ]);
    expect(smsc.pdus.every((p) => p.octets <= 140 && p.registeredDelivery === 1)).toBe(true);
    await smsc.close();
  });

  it('a refused bind, a dead port and a peer that never answers reject the send; nothing escapes', async () => {
    const smsc = await startSmppPeer();
    const wrong = new SmppClient({ url: smsc.url, systemId: 'abonent', password: 'wrong', sender: 'Abonent' });
    await expect(wrong.send({ to: '79220000001', text: 'код 1234' })).rejects.toThrow(/bind failed/);
    await smsc.close();
    const gone = new SmppClient({ url: smsc.url, systemId: 'abonent', password: 'secret', sender: 'Abonent' });
    await expect(gone.send({ to: '79220000001', text: 'код 1234' })).rejects.toThrow();
    await gone.close();

    // A TCP peer that accepts and never speaks SMPP: the response timeout ends it.
    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as AddressInfo).port;
    const mute = new SmppClient({
      url: `smpp://127.0.0.1:${port}`,
      systemId: 'abonent',
      password: 'secret',
      sender: 'Abonent',
      timeoutMs: 200,
    });
    await expect(mute.send({ to: '79220000001', text: 'код 1234' })).rejects.toThrow(/no response/);
    await mute.close();
    silent.close();
  });
});
