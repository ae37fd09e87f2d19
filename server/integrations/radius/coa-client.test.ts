import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startFakeNas } from '../../test/fakes/nas.js';
import { freeUdpPort, hasFreeRadius } from '../../test/freeradius.js';
import { CoaClient, encodeDynamicRequest, verifyDynamicRequest } from './coa-client.js';

/**
 * CoA and Disconnect-Requests carry a Message-Authenticator (RFC 5176 §3.5; Blast-RADIUS). Checked against
 * an implementation that is not ours: FreeRADIUS as the Dynamic Authorization Server, with
 * `require_message_authenticator = yes` on its client — it drops a request whose Message-Authenticator or
 * Request Authenticator is wrong, and answers ACK (or NAK when its recv-coa section rejects).
 */
const SECRET = 'coa-das-secret';
let das: { port: number; stop(): Promise<void> } | null = null;

beforeAll(async () => {
  if (!hasFreeRadius) return;
  const dir = mkdtempSync(join(tmpdir(), 'abonent-das-'));
  const port = await freeUdpPort();
  writeFileSync(join(dir, 'dictionary'), '$INCLUDE /usr/share/freeradius/dictionary\n');
  writeFileSync(
    join(dir, 'radiusd.conf'),
    `prefix = /usr
exec_prefix = /usr
sysconfdir = /etc
localstatedir = /var
sbindir = \${exec_prefix}/sbin
libdir = /usr/lib/freeradius
logdir = ${dir}
run_dir = ${dir}
name = freeradius
pidfile = \${run_dir}/\${name}.pid
proxy_requests = no
client nas {
	ipaddr = 127.0.0.1
	secret = ${SECRET}
	require_message_authenticator = yes
}
modules {
	always ok {
		rcode = ok
	}
	always reject {
		rcode = reject
	}
}
server das {
	listen {
		type = coa
		ipaddr = 127.0.0.1
		port = ${port}
	}
	recv-coa {
		if (&User-Name == "unknown") {
			reject
		}
		ok
	}
	send-coa {
		ok
	}
}
`,
  );
  let out = '';
  const child: ChildProcess = spawn('/usr/sbin/freeradius', ['-f', '-l', 'stdout', '-d', dir], { stdio: 'pipe' });
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const deadline = Date.now() + 20_000;
  while (!out.includes('Ready to process requests')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`FreeRADIUS (DAS) did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  das = {
    port,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}, 30_000);
afterAll(() => das?.stop());

const client = new CoaClient({ timeoutMs: 500, tries: 2 });
const session: [string, string][] = [
  ['User-Name', 'bob'],
  ['Acct-Session-Id', '81a00001'],
];

describe.skipIf(!hasFreeRadius)('CoA client against FreeRADIUS as the NAS (require_message_authenticator)', () => {
  it('is answered ACK for a CoA and a Disconnect-Request, NAK when the NAS refuses', async () => {
    const target = { address: '127.0.0.1', port: das!.port, secret: SECRET };
    expect(await client.send('coa', target, [...session, ['Mikrotik-Rate-Limit', '50000k/100000k']])).toEqual({
      status: 'ack',
      tries: 1,
    });
    expect(await client.send('disconnect', target, session)).toEqual({ status: 'ack', tries: 1 });
    expect((await client.send('disconnect', target, [['User-Name', 'unknown']])).status).toBe('nak');
  });

  it('is dropped with the wrong secret (no answer to wait for)', async () => {
    const r = await client.send('disconnect', { address: '127.0.0.1', port: das!.port, secret: 'not-it' }, session);
    expect(r).toEqual({ status: 'timeout', tries: 2 });
  });
});

describe('Message-Authenticator of a CoA-Request', () => {
  it('comes first and signs the packet; a changed byte breaks it', () => {
    const p = encodeDynamicRequest('CoA-Request', SECRET, 7, session);
    expect(p[20]).toBe(80);
    expect(p[21]).toBe(18);
    expect(verifyDynamicRequest(p, SECRET)).toBe(true);
    expect(verifyDynamicRequest(p, 'other')).toBe(false);
    const tampered = Buffer.from(p);
    tampered.writeUInt8(tampered.readUInt8(tampered.length - 1) ^ 1, tampered.length - 1);
    expect(verifyDynamicRequest(tampered, SECRET)).toBe(false);
  });

  it('a NAS that requires it (the fake NAS) takes signed requests and its signed ACK is checked', async () => {
    const nas = await startFakeNas({ secret: SECRET, requireMessageAuthenticator: true });
    try {
      const r = await client.send('coa', { address: '127.0.0.1', port: nas.port, secret: SECRET }, session);
      expect(r.status).toBe('ack');
      expect(nas.received[0]!.messageAuthenticator).toBe(true);
      expect(nas.dropped()).toBe(0);
      nas.setMode('no-session');
      const gone = await client.send('disconnect', { address: '127.0.0.1', port: nas.port, secret: SECRET }, session);
      expect(gone).toEqual({ status: 'nak', error: 'Session-Context-Not-Found', tries: 1 });
    } finally {
      await nas.close();
    }
  });
});

describe('a burst of requests to one NAS (the daily run blocking thousands)', () => {
  it('each is answered on its first try: no two in flight share an identifier, past 256 they wait for one', async () => {
    const nas = await startFakeNas({ secret: SECRET, requireMessageAuthenticator: true });
    try {
      const target = { address: '127.0.0.1', port: nas.port, secret: SECRET };
      const burst = new CoaClient({ timeoutMs: 2000, tries: 3 });
      const results = await Promise.all(
        Array.from({ length: 300 }, (_, i) =>
          burst.send('coa', target, [
            ['User-Name', `user${i}`],
            ['Acct-Session-Id', `s${i}`],
          ]),
        ),
      );
      expect(results.filter((r) => r.status === 'ack' && r.tries === 1)).toHaveLength(300);
      // Every request reached the NAS once: none was sent again for want of its answer.
      expect(nas.received).toHaveLength(300);
      expect(new Set(nas.received.map((r) => r.attributes['User-Name'])).size).toBe(300);
    } finally {
      await nas.close();
    }
  });
});
