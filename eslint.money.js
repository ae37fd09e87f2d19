// Money rules for ESLint's `no-restricted-syntax` (used by eslint.config.js; tested by
// server/modules/ledger/money-ownership.test.ts). See docs/code-style.md, "Money" and "Money state".

/**
 * Money is integer kopecks: converting to or from rubles, or formatting, goes through common/money.ts.
 * These selectors catch the float shortcuts that lose kopecks (x * 100, x / 100, toFixed, parseFloat).
 */
export const moneyArithmetic = [
  {
    selector: "BinaryExpression[operator='*'][right.value=100]",
    message: 'Money: use rublesToKopecks/parseRubles from common/money.ts, not * 100.',
  },
  {
    selector: "BinaryExpression[operator='/'][right.value=100]",
    message: 'Money: use kopecksToDecimal/formatMoney from common/money.ts, not / 100.',
  },
  {
    selector: "CallExpression[callee.property.name='toFixed']",
    message: 'Money: format with common/money.ts (kopecksToDecimal) or Intl, not toFixed.',
  },
  {
    selector: "BinaryExpression[operator=/^[*\\/]$/][right.name='KOPECKS_PER_RUBLE']",
    message: 'Money: convert rubles and kopecks only inside common/money.ts.',
  },
  { selector: "CallExpression[callee.name='parseFloat']", message: 'Money: parse decimal strings with parseRubles.' },
];

const OWNER =
  'Money state has one owner: only server/modules/ledger writes ledger entries, balances, credits and the account status (docs/billing.md, "Who writes money state")';

/** SQL that writes money state, matched over a whole template (its `${…}` parts read as `?`) or string. */
const SQL_WRITES = [
  [/insert\s+into\s+ledger_entries/i, 'post it with postEntry, creditPayment or postCharges'],
  [
    /update\s+accounts\b[\s\S]*?\bset\b[\s\S]*?\b(balance|status|promised_credit|credit_limit)\s*=/i,
    'change it with postEntry, creditPayment, setServiceStatus or the promised-credit functions',
  ],
  [
    /insert\s+into\s+account_events\b[\s\S]*'(un)?blocked'/i,
    'blocked/unblocked are written with the status, by the ledger',
  ],
  [/(insert\s+into|update)\s+promised_payments\b/i, 'use grantPromisedCredit / expirePromisedCredits'],
];
const DRIZZLE_TABLES = {
  update: /^(accounts|ledgerEntries|promisedPayments)$/,
  insert: /^(ledgerEntries|promisedPayments)$/,
};
const NEW_ACCOUNT_MONEY = /^(balance|status|promisedCredit|creditLimit)$/;

/**
 * ESLint plugin `money` with rule `state-owner`: outside server/modules/ledger (eslint.config.js), no
 * SQL template or string writes money state, and no Drizzle call updates accounts, inserts ledger
 * entries or promised payments, or creates an account with money or a status already set.
 */
export const moneyPlugin = {
  rules: {
    'state-owner': {
      meta: { type: 'problem', docs: { description: 'Only the ledger module writes money state' }, schema: [] },
      create(context) {
        const check = (node, text) => {
          for (const [re, how] of SQL_WRITES)
            if (re.test(text)) return context.report({ node, message: `${OWNER}: ${how}.` });
        };
        const calleeName = (node) =>
          node.callee.type === 'MemberExpression' && node.callee.property.type === 'Identifier'
            ? node.callee.property.name
            : null;
        return {
          TemplateLiteral(node) {
            check(node, node.quasis.map((q) => q.value.raw).join('?'));
          },
          Literal(node) {
            if (typeof node.value === 'string') check(node, node.value);
          },
          CallExpression(node) {
            const name = calleeName(node);
            const arg = node.arguments[0];
            if (
              (name === 'update' || name === 'insert') &&
              arg?.type === 'Identifier' &&
              DRIZZLE_TABLES[name].test(arg.name)
            )
              return context.report({
                node,
                message: `${OWNER}: call the ledger's API, not Drizzle's ${name}(${arg.name}).`,
              });
            // db.insert(accounts).values({ … balance … })
            const target = node.callee.type === 'MemberExpression' ? node.callee.object : null;
            if (
              name === 'values' &&
              target?.type === 'CallExpression' &&
              calleeName(target) === 'insert' &&
              target.arguments[0]?.type === 'Identifier' &&
              target.arguments[0].name === 'accounts'
            ) {
              for (const value of node.arguments.flatMap((a) => (a.type === 'ArrayExpression' ? a.elements : [a])))
                for (const p of value?.type === 'ObjectExpression' ? value.properties : [])
                  if (p.type === 'Property' && p.key.type === 'Identifier' && NEW_ACCOUNT_MONEY.test(p.key.name))
                    context.report({
                      node: p,
                      message: `${OWNER}: a new account starts with balance 0, active, without credit; then postEntry or setServiceStatus.`,
                    });
            }
          },
        };
      },
    },
  },
};
