import { describe, expect, it } from 'vitest';

import { formatNumbers, isValidContractNumber, luhnCheckDigit } from './contract-numbers.js';

describe('contract numbers', () => {
  it('appends a Luhn check digit that catches a mistyped digit', () => {
    expect(luhnCheckDigit('7992739871')).toBe(3); // the textbook example
    const { contract, account } = formatNumbers('11', 1);
    expect(contract).toBe('110000015');
    expect(account).toBe('711000001');
    expect(isValidContractNumber(contract)).toBe(true);
    expect(isValidContractNumber('110000016')).toBe(false);
    expect(isValidContractNumber('120000015')).toBe(false);
  });
  it('refuses to overflow six digits of sequence', () => {
    expect(() => formatNumbers('11', 1_000_000)).toThrow(/run out/);
  });
});
