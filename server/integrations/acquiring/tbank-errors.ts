import type { DeclineReason } from '../../../common/decline-reasons.js';

/**
 * T-Bank Internet Acquiring ErrorCode values read as Abonent needs them. Sources: T-Bank's error table
 * ("Коды ошибок", https://developer.tbank.ru/eacq/intro/errors/error-codes) — codes 0–99 of the system,
 * 100–199 payment processing, 200–399 validation, 1000–1999 the issuer's answers (ISO 8583 response
 * codes prefixed with 1: 1051 insufficient funds, 1054 expired card, 1057/1058 not permitted, 1059/1063
 * suspected fraud, 1061/1065 limits), 9001/9999 internal errors.
 */

/** The request may have been carried out or not: ask again (same OrderId) rather than start anew. */
export const TBANK_UNDECIDED = new Set([
  '3',
  '21',
  '55',
  '99',
  '120',
  '123',
  '125',
  '401',
  '402',
  '1096',
  '9001',
  '9999',
]);

/** An issuer's decline in YooKassa's vocabulary (common/decline-reasons.ts), for autopay and the cabinet. */
export function tbankDeclineReason(code: string | undefined | null): DeclineReason | null {
  if (!code || code === '0') return null;
  const map: Record<string, DeclineReason> = {
    '101': '3d_secure_failed',
    '511': '3d_secure_failed',
    '103': 'insufficient_funds',
    '116': 'insufficient_funds',
    '1051': 'insufficient_funds',
    '252': 'card_expired',
    '1033': 'card_expired',
    '1054': 'card_expired',
    '1004': 'fraud_suspected',
    '1059': 'fraud_suspected',
    '1063': 'fraud_suspected',
    '1041': 'payment_method_restricted',
    '1043': 'payment_method_restricted',
    '1057': 'payment_method_restricted',
    '1058': 'payment_method_restricted',
    '1062': 'payment_method_restricted',
    '506': 'payment_method_restricted',
    '600': 'payment_method_restricted',
    '1013': 'payment_method_limit_exceeded',
    '1061': 'payment_method_limit_exceeded',
    '1065': 'payment_method_limit_exceeded',
    '1075': 'payment_method_limit_exceeded',
    '119': 'payment_method_limit_exceeded',
    '603': 'payment_method_limit_exceeded',
    '1014': 'invalid_card_number',
    '1015': 'invalid_card_number',
    '508': 'invalid_card_number',
    '1082': 'invalid_csc',
    '76': 'country_forbidden',
    '77': 'country_forbidden',
    '1205': 'country_forbidden',
    '1001': 'call_issuer',
    '1005': 'general_decline',
    '1089': 'issuer_unavailable',
    '1091': 'issuer_unavailable',
    '1096': 'issuer_unavailable',
    '120': 'issuer_unavailable',
    '123': 'issuer_unavailable',
    '125': 'issuer_unavailable',
    '9001': 'internal_timeout',
  };
  return map[code] ?? 'general_decline';
}
