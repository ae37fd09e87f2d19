/**
 * A NAS's Dynamic Authorization Server for bench:radius, in a process of its own as a real NAS is: the
 * dispatcher measured does not share its event loop with it. Lean, so that the NAS is not what is
 * measured: each CoA-Request's Request Authenticator and Message-Authenticator are checked
 * (verifyDynamicRequest: what server/test/fakes/nas.ts checks, and a request without the
 * Message-Authenticator is dropped), its User-Name read, and a CoA-ACK signed with a
 * Message-Authenticator sent back (RFC 5176, RFC 3579 §3.2), without decoding the rest. Reports over IPC:
 * {port} once listening, then batches of {user, code, at (epoch ms of receipt), signed}.
 */
import { createHash, createHmac } from 'node:crypto';
import dgram from 'node:dgram';

import { verifyDynamicRequest } from '../server/integrations/radius/coa-client.js';

const secret = process.argv[2]!;
const socket = dgram.createSocket('udp4');
let batch: { user: string; code: string; at: number; ackAt: number; signed: boolean }[] = [];

socket.on('message', (msg, rinfo) => {
  if (msg.length < 20 || (msg[0] !== 43 && msg[0] !== 40) || !verifyDynamicRequest(msg, secret)) return;
  let user = '';
  let signed = false;
  for (let i = 20; i + 2 <= msg.length && msg[i + 1]! >= 2; i += msg[i + 1]!) {
    if (msg[i] === 1) user = msg.toString('utf8', i + 2, i + msg[i + 1]!);
    if (msg[i] === 80) signed = true;
  }
  if (!signed) return; // required, as RouterOS require-message-auth does
  const at = Date.now();
  // ACK: code, identifier, length 38, authenticator, Message-Authenticator (18 octets).
  const ack = Buffer.alloc(38);
  ack[0] = msg[0] === 43 ? 44 : 41;
  ack[1] = msg[1]!;
  ack.writeUInt16BE(38, 2);
  msg.copy(ack, 4, 4, 20); // the Request Authenticator, for both computations
  ack[20] = 80;
  ack[21] = 18;
  createHmac('md5', secret).update(ack).digest().copy(ack, 22);
  createHash('md5').update(ack).update(secret).digest().copy(ack, 4);
  socket.send(ack, rinfo.port, rinfo.address);
  batch.push({ user, code: msg[0] === 43 ? 'CoA-Request' : 'Disconnect-Request', at, ackAt: Date.now(), signed });
});

socket.bind(0, '127.0.0.1', () => process.send!({ port: socket.address().port }));
setInterval(() => {
  if (batch.length === 0) return;
  process.send!({ received: batch });
  batch = [];
}, 50);
process.on('disconnect', () => process.exit(0));
