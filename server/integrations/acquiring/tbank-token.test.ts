import { describe, expect, it } from 'vitest';

import { tbankToken, verifyTbankToken } from './tbank-token.js';

describe('T-Bank request signature (Token)', () => {
  it('matches the worked example of T-Bank’s documentation ("Токен", Init)', () => {
    // Root scalars only (DATA and Receipt take no part), Password added, sorted by key, values joined, SHA-256.
    const init = {
      TerminalKey: 'MerchantTerminalKey',
      Amount: 19200,
      OrderId: '21090',
      Description: 'Подарочная карта на 1000 рублей',
      DATA: { Phone: '+71234567890', Email: 'a@test.com' },
      Receipt: { Email: 'a@test.ru', Taxation: 'osn', Items: [] },
    };
    expect(tbankToken(init, 'usaf8fw8fsw21g')).toBe('0024a00af7c350a3a67ca168ce06502aa72772456662e38696d48b56ee9c97d9');
  });

  it('verifies a notification (booleans as "true"/"false") and refuses any change after signing', () => {
    const n: Record<string, unknown> = {
      TerminalKey: 'T',
      OrderId: 'o-1',
      Success: true,
      Status: 'CONFIRMED',
      PaymentId: 13660,
      ErrorCode: '0',
      Amount: 100000,
    };
    n.Token = tbankToken(n, 'pw');
    expect(verifyTbankToken(n, 'pw')).toBe(true);
    expect(verifyTbankToken({ ...n, Amount: 100001 }, 'pw')).toBe(false);
    expect(verifyTbankToken({ ...n, Success: false }, 'pw')).toBe(false);
    expect(verifyTbankToken(n, 'other')).toBe(false);
    expect(verifyTbankToken({ ...n, Token: String(n.Token).toUpperCase() }, 'pw')).toBe(true);
    expect(verifyTbankToken({ ...n, Token: undefined }, 'pw')).toBe(false);
  });
});
