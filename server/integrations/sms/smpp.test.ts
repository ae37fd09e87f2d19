import { type AddressInfo, createServer } from 'node:net';

import { describe, expect, it } from 'vitest';

import { startSmppPeer } from '../../test/peers.js';
import { messageIdCandidates, parseDeliveryReceipt } from './delivery-receipt.js';
import { SmppClient, SmppThrottledError } from './smpp-client.js';
import { packSeptets, SmsTooLongError, splitSms, unpackSeptets } from './smpp-segments.js';

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

describe('GSM 03.38 7-bit: 160 characters an SMS, 153 a part (SMPP_GSM7)', () => {
  const latin = (n: number) => 'Top up account 1000001 at lk.example.net. '.repeat(10).slice(0, n);

  it('packs septets least significant bit first, with fill bits after a header (23.038 §6.1.2.1.1)', () => {
    // The 23.038 example: "hellohello" packs into E8 32 9B FD 46 97 D9 EC 37.
    const hello = Buffer.from('hellohello', 'ascii');
    expect(packSeptets(hello).toString('hex')).toBe('e8329bfd4697d9ec37');
    expect(unpackSeptets(packSeptets(hello), 10).toString('ascii')).toBe('hellohello');
    // After a 6-octet header one fill bit aligns the text: 153 septets fill the 134 octets left exactly.
    const text = Buffer.from(latin(153), 'ascii');
    const packed = packSeptets(text, 1);
    expect(packed.length).toBe(134);
    expect(unpackSeptets(packed, 153, 1).toString('ascii')).toBe(latin(153));
    // Seven spare bits would read as '@': padded with CR instead.
    expect(unpackSeptets(packSeptets(Buffer.from('1234567', 'ascii')), 8).at(-1)).toBe(0x0d);
  });

  it('packed: 160 characters are one SMS of 140 octets; 161 are two parts of 153 + 8 (not 134-character parts)', () => {
    expect(splitSms(latin(160), 'udh', 1, 'packed')).toMatchObject([
      { total: 1, octets: 140, fields: { data_coding: 0 } },
    ]);
    const two = splitSms(latin(161), 'udh', 7, 'packed');
    expect(two.map((p) => p.octets)).toEqual([140, 6 + 8]); // 8 septets after the fill bit: 57 bits in 8 octets
    expect([...(two[0]!.fields.short_message as Buffer).subarray(0, 6)]).toEqual([5, 0, 3, 7, 2, 1]);
    // The same text the old way (one septet per octet, ≤ 140): 2 parts of 134 — and 300 characters need 3, not 2.
    expect(splitSms(latin(161), 'udh', 7, 'octets').map((p) => p.octets)).toEqual([140, 6 + 27]);
    expect(splitSms(latin(300), 'udh', 7, 'octets')).toHaveLength(3);
    expect(splitSms(latin(300), 'udh', 7, 'packed')).toHaveLength(2);
  });

  it('unpacked: one septet per octet for an SMSC that packs, up to 160 octets; Cyrillic is never affected', () => {
    expect(splitSms(latin(160), 'udh', 1, 'unpacked')).toMatchObject([{ total: 1, octets: 160 }]);
    expect(splitSms(latin(306), 'sar', 1, 'unpacked').map((p) => p.octets)).toEqual([153, 153]);
    expect(splitSms('Я'.repeat(71), 'udh', 1, 'packed').map((p) => p.octets)).toEqual([140, 14]); // UCS-2 as before
    // An extension character (two septets) is never split from its escape.
    const euro = splitSms('€'.repeat(100), 'udh', 1, 'packed');
    expect(euro).toHaveLength(2);
  });

  it('an SMSC taking packed GSM gets the text back whole, in fewer parts', async () => {
    const smsc = await startSmppPeer({ gsm7: 'packed' });
    const client = new SmppClient({
      url: smsc.url,
      systemId: 'abonent',
      password: 'secret',
      sender: 'Abonent',
      gsm7: 'packed',
    });
    try {
      const text = `${latin(290)} €[]`;
      expect(await client.send({ to: '79220000009', text, reference: 3 })).toHaveLength(2);
      expect(smsc.messages).toEqual([{ to: '79220000009', text }]);
      expect(smsc.pdus.every((p) => p.dataCoding === 0 && p.octets <= 140)).toBe(true);
    } finally {
      await client.close();
      await smsc.close();
    }
  });

  it('an SMSC refuses a data_coding it does not take (ESME_RINVDCS)', async () => {
    const smsc = await startSmppPeer({ dataCodings: [0] });
    const client = new SmppClient({ url: smsc.url, systemId: 'abonent', password: 'secret', sender: 'Abonent' });
    try {
      await expect(client.send({ to: '79220000009', text: 'Привет' })).rejects.toThrow(/0x00000104/);
    } finally {
      await client.close();
      await smsc.close();
    }
  });
});

describe('an SMSC that throttles', () => {
  it('ESME_RTHROTTLED and ESME_RMSGQFUL: the same part is sent again after a pause, never twice accepted', async () => {
    const smsc = await startSmppPeer({ throttle: { window: 2, latencyMs: 20, queueFullEvery: 5 } });
    const client = new SmppClient({
      url: smsc.url,
      systemId: 'abonent',
      password: 'secret',
      sender: 'Abonent',
      window: 8,
    });
    try {
      const sent = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          client.send({ to: `7922000${String(i).padStart(4, '0')}`, text: russian300, reference: i }),
        ),
      );
      expect(sent.flat()).toHaveLength(60);
      expect(smsc.state.throttled + smsc.state.queueFull).toBeGreaterThan(0);
      expect(client.stats.throttled).toBe(smsc.state.throttled + smsc.state.queueFull);
      expect(smsc.state.duplicateParts).toBe(0);
      expect(smsc.state.maxInFlight).toBeLessThanOrEqual(2);
      expect(smsc.messages).toHaveLength(12);
    } finally {
      await client.close();
      await smsc.close();
    }
  });

  it('keeps to its own window and rate', async () => {
    const smsc = await startSmppPeer({ throttle: { latencyMs: 30 } });
    const client = new SmppClient({
      url: smsc.url,
      systemId: 'abonent',
      password: 'secret',
      sender: 'Abonent',
      window: 3,
      sendRate: 40,
    });
    try {
      const started = Date.now();
      await Promise.all(Array.from({ length: 20 }, (_, i) => client.send({ to: `79220001${i}`, text: `код ${i}` })));
      expect(smsc.state.maxInFlight).toBeLessThanOrEqual(3);
      expect(Date.now() - started).toBeGreaterThanOrEqual((19 / 40) * 1000 - 50); // 20 submits at 40 a second
    } finally {
      await client.close();
      await smsc.close();
    }
  });

  it('past its budget the message is given back as throttled (the job then waits without using a try)', async () => {
    const smsc = await startSmppPeer({ throttle: { perSecond: 1 } });
    const client = new SmppClient({
      url: smsc.url,
      systemId: 'abonent',
      password: 'secret',
      sender: 'Abonent',
      throttleBudgetMs: 300,
    });
    try {
      await client.send({ to: '79220000001', text: 'first' });
      const e = await client.send({ to: '79220000002', text: 'second' }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(SmppThrottledError);
      expect((e as SmppThrottledError).retryAfterMs).toBeGreaterThan(0);
      expect(smsc.messages).toEqual([{ to: '79220000001', text: 'first' }]);
    } finally {
      await client.close();
      await smsc.close();
    }
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
