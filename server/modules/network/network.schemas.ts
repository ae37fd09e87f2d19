import { isIP } from 'node:net';

import { z } from 'zod';

import { ACCESS_TYPES, COA_KINDS, COA_STATUSES, NAS_VENDORS } from '../../db/schema/index.js';
import { component } from '../../plugins/openapi.js';
import { accountStatus } from '../shared.schemas.js';

const ip = z
  .string()
  .trim()
  .max(45)
  .refine((v) => isIP(v) !== 0, 'an IPv4 or IPv6 address');

// The rlm_rest API (radius-api.ts) checks its input by hand: it is not part of the public API and runs
// thousands of requests a second (docs/decisions/0015-radius-api-listener.md).

// ---- NAS registry ----

export const nasVendor = component('NasVendor', z.enum(NAS_VENDORS));
/** What a NAS answered to a CoA / Disconnect-Request (RFC 5176), or why there was no answer. */
const coaAnswer = component('CoaAnswer', z.enum(COA_STATUSES).exclude(['pending']));
const coaStatus = component('CoaStatus', z.enum(COA_STATUSES));
export const nasIdParams = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });
export const nasListQuery = z.object({ regionId: z.coerce.number().int().positive().max(32_767).optional() });
export const nasView = z.object({
  id: z.number(),
  regionId: z.number(),
  region: z.string(),
  name: z.string(),
  address: z.string(),
  vendor: nasVendor,
  coaPort: z.number(),
  requireMessageAuthenticator: z.boolean(),
  active: z.boolean(),
  description: z.string(),
  /** Open sessions the NAS reported. */
  online: z.number(),
});
export const nasCreateBody = z.object({
  regionId: z.number().int().positive().max(32_767),
  name: z.string().trim().min(1).max(100),
  address: ip,
  secret: z.string().min(8).max(128).describe('the RADIUS shared secret (stored encrypted, never shown again)'),
  vendor: nasVendor,
  coaPort: z.number().int().min(1).max(65_535).default(3799),
  requireMessageAuthenticator: z
    .boolean()
    .default(true)
    .describe(
      'Blast-RADIUS (CVE-2024-3596): Access-Requests without a Message-Authenticator are dropped, CoA carries one',
    ),
  active: z.boolean().default(true),
  description: z.string().trim().max(500).default(''),
});
export const nasUpdateBody = nasCreateBody
  .omit({ secret: true })
  .partial()
  .extend({ secret: z.string().min(8).max(128).optional().describe('a new shared secret; omitted: unchanged') })
  .refine((b) => Object.keys(b).length > 0, 'nothing to change');

// ---- an account's network access ----

export const accountParams = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
export const sessionParams = accountParams.extend({
  sessionId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER),
});

export const sessionView = z.object({
  id: z.number(),
  nas: z.string().describe('NAS name, or its address when not in the registry'),
  username: z.string(),
  framedIp: z.string().nullable(),
  mac: z.string().nullable(),
  startedAt: z.string(),
  updatedAt: z.string(),
  stoppedAt: z.string().nullable(),
  seconds: z.number(),
  downloadBytes: z.number(),
  uploadBytes: z.number(),
  terminateCause: z.string().nullable(),
});

export const onlineQuery = z.object({
  regionId: z.coerce.number().int().positive().max(32_767).optional(),
  nasId: z.coerce.number().int().positive().max(2_147_483_647).optional(),
  q: z.string().trim().max(64).optional().describe('a login, an account number or an IP address'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export const onlineResponse = z.object({
  total: z.number().int(),
  sessions: z.array(sessionView.extend({ accountId: z.number().nullable(), accountNumber: z.string().nullable() })),
});
export const coaView = z.object({
  id: z.number(),
  kind: z.enum(COA_KINDS),
  reason: z.string(),
  status: coaStatus,
  error: z.string().nullable(),
  attempts: z.number(),
  createdAt: z.string(),
  answeredAt: z.string().nullable(),
});

export const escalationParams = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
export const escalationsQuery = z.object({ regionId: z.coerce.number().int().positive().max(32_767).optional() });
export const escalationsResponse = z.object({
  items: z.array(
    z.object({
      id: z.number(),
      accountId: z.number(),
      accountNumber: z.string().nullable(),
      sessionId: z.number(),
      username: z.string().nullable(),
      framedIp: z.string().nullable(),
      online: z.boolean().describe('the session is still open'),
      nas: z.string().nullable(),
      kind: z.enum(['nak', 'given_up']).describe('nak: the NAS refused; given_up: no answer through every retry'),
      requestKind: z.enum(COA_KINDS),
      reason: z.string().describe('the account events behind it (blocked, suspended, …), or staff'),
      error: z.string().nullable().describe("the NAS's Error-Cause"),
      createdAt: z.string(),
    }),
  ),
});

export const authLogView = z.object({
  at: z.string(),
  result: z.enum(['accept', 'reject']),
  detail: z.string(),
  username: z.string(),
  mac: z.string().nullable(),
});

export const accessType = component(
  'NetworkAccessType',
  z.enum(ACCESS_TYPES).describe('pppoe: by login and password; ipoe: by MAC or Option 82, without a password'),
);
export const accessView = z.object({
  accessType,
  login: z.string().nullable(),
  macBinding: z.boolean().describe('PPPoE: the login is accepted only from `mac`'),
  hasPassword: z.boolean(),
  mac: z.string().nullable(),
  option82RemoteId: z.string().nullable().describe('as text when printable, else 0x…'),
  option82CircuitId: z.string().nullable(),
  staticIp: z.string().nullable(),
});

export const accountNetworkView = z.object({
  access: accessView.nullable(),
  online: z.array(sessionView),
  recentSessions: z.array(sessionView),
  coa: z.array(coaView),
  authLog: z.array(authLogView),
});

export const accessUpdateBody = z
  .object({
    accessType,
    login: z.string().max(64).nullable().describe('PPPoE login; null: none (IPoE only)'),
    macBinding: z.boolean().describe('PPPoE: accept the login only from `mac`'),
    mac: z.string().max(32).nullable(),
    option82RemoteId: z.string().max(260).nullable(),
    option82CircuitId: z.string().max(260).nullable(),
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'nothing to change');

export const newPasswordResponse = z.object({ login: z.string().nullable(), password: z.string() });

export const disconnectResponse = z.object({
  status: coaAnswer,
  error: z.string().nullable(),
});

// ---- cabinet ----

export const mySessionsQuery = z.object({
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD'),
  to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD'),
});
export const mySessionsResponse = z.object({
  from: z.string(),
  to: z.string(),
  sessions: z.array(sessionView.omit({ nas: true, username: true })),
  totals: z.object({ sessions: z.number(), seconds: z.number(), downloadBytes: z.number(), uploadBytes: z.number() }),
  days: z.array(z.object({ day: z.string(), downloadBytes: z.number(), uploadBytes: z.number() })),
  online: z.boolean(),
});
export const myNetworkResponse = z.object({
  login: z.string().nullable(),
  kind: z.enum(['pppoe', 'ipoe', 'none']),
  staticIp: z.string().nullable(),
});
export const myNetworkPasswordResponse = z.object({ login: z.string(), password: z.string() });

// ---- captive portal ----

export const portalResponse = z.object({
  identified: z.boolean(),
  accountNumber: z.string().nullable(),
  balance: z.number().nullable().describe('kopecks'),
  status: accountStatus.nullable(),
  toPay: z.number().nullable().describe('kopecks that bring service back (blocked only)'),
  supportPhone: z.string().nullable(),
});
export const allowListResponse = z.object({
  portal: z.string(),
  domains: z.array(z.object({ domain: z.string(), what: z.string() })),
});

// ---- plans on the network, IPv6 ----

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');
const kbps = z.number().int().min(64).max(100_000_000);
export const tariffIdParams = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });
export const tariffNetworkBody = component(
  'TariffNetwork',
  z.object({
    maxSessions: z
      .number()
      .int()
      .min(1)
      .max(64)
      .nullable()
      .describe('Simultaneous-Use: sessions an account may have open at once; null: no limit'),
    speedWindows: z
      .array(
        z
          .object({
            from: hhmm.describe("local time in the plan's region"),
            to: hhmm.describe('exclusive; earlier than `from`: the window runs past midnight'),
            downKbps: kbps,
            upKbps: kbps,
            days: z
              .array(z.number().int().min(1).max(7))
              .min(1)
              .max(7)
              .optional()
              .describe('ISO weekdays (1 Monday … 7 Sunday) the window starts on; absent: every day'),
          })
          .refine((w) => w.from !== w.to, 'a window must not start when it ends'),
      )
      .max(8)
      .describe('speeds by time of day (night, turbo hours); live sessions get them by CoA'),
    attributes: z
      .array(
        z.object({
          vendor: z.enum([...NAS_VENDORS, '*']).describe("the NAS vendor it is for; '*': every NAS"),
          name: z
            .string()
            .regex(/^[A-Za-z][A-Za-z0-9-]{1,63}$/, 'a RADIUS attribute name from the FreeRADIUS dictionaries'),
          value: z
            .string()
            .min(1)
            .max(247)
            .refine((v) => ![...v].some((c) => c.charCodeAt(0) < 0x20), 'printable text')
            .describe('{down} and {up}: the speed in force, kbit/s'),
        }),
      )
      .max(16)
      .describe('extra reply attributes; one named like a default replaces it'),
  }),
);

export const ipv6PoolsQuery = z.object({ regionId: z.coerce.number().int().positive().max(32_767).optional() });
export const ipv6PoolCreate = z.object({
  regionId: z.number().int().positive().max(32_767),
  kind: z.enum(['framed', 'delegated']).describe('framed: a /64 per subscriber; delegated: a prefix for the router'),
  prefix: z
    .string()
    .trim()
    .max(50)
    .refine((v) => {
      const [a, len] = v.split('/');
      return isIP(a ?? '') === 6 && /^\d{1,3}$/.test(len ?? '') && Number(len) >= 16 && Number(len) <= 63;
    }, 'an IPv6 prefix, e.g. 2001:db8:1000::/40')
    .describe('an IPv6 prefix /16–/63'),
  assignLength: z.number().int().min(48).max(64).describe('the length given to each subscriber (framed: 64)'),
});
export const ipv6PoolsResponse = z.object({
  pools: z.array(
    z.object({
      id: z.number(),
      regionId: z.number(),
      kind: z.enum(['framed', 'delegated']),
      prefix: z.string(),
      assignLength: z.number(),
      assigned: z.number().describe('prefixes given so far'),
      capacity: z.number().describe('prefixes the pool holds'),
    }),
  ),
});
