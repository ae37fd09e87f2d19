import type { ESLint } from 'eslint';

export interface RestrictedSyntax {
  selector: string;
  message: string;
}
export declare const moneyArithmetic: RestrictedSyntax[];
/** Plugin `money`, rule `state-owner`: only server/modules/ledger writes money state. */
export declare const moneyPlugin: ESLint.Plugin;
