import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway certificate authority and a server certificate it signed for `ip` (subjectAltName IP, as
 * libcurl checks an https://<ip> URL), made with the openssl command; P-256 keys, valid for two days.
 * Files (PEM) in a fresh temporary directory.
 */
export function makeTestCertificates(ip = '127.0.0.1') {
  const dir = mkdtempSync(join(tmpdir(), 'abonent-tls-'));
  const f = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    'req',
    '-x509',
    ...key,
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=Abonent test CA',
  );
  openssl('req', ...key, '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', `/CN=${ip}`);
  writeFileSync(f('san.ext'), `subjectAltName=IP:${ip}\n`);
  openssl(
    'x509',
    '-req',
    '-in',
    f('server.csr'),
    '-CA',
    f('ca.pem'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-out',
    f('server.pem'),
    '-days',
    '2',
    '-extfile',
    f('san.ext'),
  );
  // Another CA, which signed nothing of this: a client trusting only it must refuse the server.
  openssl(
    'req',
    '-x509',
    ...key,
    '-keyout',
    f('other.key'),
    '-out',
    f('other-ca.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=Other CA',
  );
  return { dir, ca: f('ca.pem'), otherCa: f('other-ca.pem'), cert: f('server.pem'), key: f('server.key') };
}
