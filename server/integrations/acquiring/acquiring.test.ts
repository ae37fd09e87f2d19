import { describe, expect, it } from 'vitest';

import { maskHolderName } from '../../modules/payments/find-payer.js';
import { providersForRegion } from './provider.js';
import { luhnValid, signTestAcquirer, verifyTestAcquirer } from './test-acquirer.js';

describe('acquiring helpers', () => {
  it('picks providers per region from PAYMENT_PROVIDERS', () => {
    expect(providersForRegion('test_acquirer', 'msk')).toEqual(['test_acquirer']);
    const spec = 'msk=yookassa;spb=yookassa,test_acquirer;*=test_acquirer';
    expect(providersForRegion(spec, 'msk')).toEqual(['yookassa']);
    expect(providersForRegion(spec, 'spb')).toEqual(['yookassa', 'test_acquirer']);
    expect(providersForRegion(spec, 'nsk')).toEqual(['test_acquirer']);
    expect(providersForRegion('msk=yookassa', 'nsk')).toEqual([]);
    expect(providersForRegion('bogus', 'x')).toEqual([]);
  });

  it('checks card numbers with Luhn', () => {
    for (const n of ['4111111111111111', '4000000000000002', '4000000000003220', '4000000000000341'])
      expect(luhnValid(n)).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('41111111')).toBe(false);
    expect(luhnValid('4111-1111-1111-1111')).toBe(false);
  });

  it('verifies HMAC signatures in constant time and rejects anything else', () => {
    const sig = signTestAcquirer('secret-secret-secret', '{"a":1}');
    expect(verifyTestAcquirer('secret-secret-secret', '{"a":1}', sig)).toBe(true);
    expect(verifyTestAcquirer('secret-secret-secret', '{"a":2}', sig)).toBe(false);
    expect(verifyTestAcquirer('other-secret-secret', '{"a":1}', sig)).toBe(false);
    expect(verifyTestAcquirer('secret-secret-secret', '{"a":1}', undefined)).toBe(false);
    expect(verifyTestAcquirer('secret-secret-secret', '{"a":1}', 'zz')).toBe(false);
  });

  it('masks the holder name for the public page', () => {
    expect(maskHolderName('Иванов Иван Иванович')).toBe('Иванов И. И.');
    expect(maskHolderName('  Smith   john ')).toBe('Smith J.');
  });
});
