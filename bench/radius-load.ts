import dgram from 'node:dgram';

/**
 * A RADIUS load generator in the spirit of radperf (not packaged by Debian): pre-encoded packets are
 * sent over UDP with a fixed number outstanding; each answer (matched by the packet identifier)
 * releases the next send. A packet unanswered after `timeoutMs` is counted lost and its slot reused.
 * Identifiers are written into each packet just before it is sent (Access-Requests here carry no
 * Message-Authenticator, so the identifier is not signed; each packet has its own random authenticator).
 */
export interface LoadResult {
  sent: number;
  accepts: number;
  rejects: number;
  lost: number;
  seconds: number;
  p50Ms: number;
  p99Ms: number;
}

export async function blast(o: {
  port: number;
  packets: Buffer[];
  inflight: number;
  timeoutMs?: number;
}): Promise<LoadResult> {
  const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024, sendBufferSize: 4 * 1024 * 1024 });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  const timeoutMs = o.timeoutMs ?? 5000;
  const sentAt = new Array<bigint | null>(256).fill(null);
  const free: number[] = Array.from({ length: 256 }, (_, i) => i);
  const latencies: number[] = [];
  let next = 0;
  let accepts = 0;
  let rejects = 0;
  let lost = 0;
  let outstanding = 0;
  const started = process.hrtime.bigint();
  return new Promise<LoadResult>((resolve) => {
    const finish = () => {
      clearInterval(sweeper);
      socket.close();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      latencies.sort((a, b) => a - b);
      const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
      resolve({
        sent: next,
        accepts,
        rejects,
        lost,
        seconds,
        p50Ms: Math.round(q(0.5) * 100) / 100,
        p99Ms: Math.round(q(0.99) * 100) / 100,
      });
    };
    const pump = () => {
      while (outstanding < o.inflight && next < o.packets.length && free.length > 0) {
        const id = free.shift()!;
        const packet = o.packets[next++]!;
        packet[1] = id;
        sentAt[id] = process.hrtime.bigint();
        outstanding++;
        socket.send(packet, o.port, '127.0.0.1');
      }
      if (outstanding === 0 && next >= o.packets.length) finish();
    };
    const release = (id: number) => {
      sentAt[id] = null;
      free.push(id);
      outstanding--;
    };
    socket.on('message', (msg) => {
      const id = msg[1]!;
      const t = sentAt[id];
      if (t == null) return;
      latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
      if (msg[0] === 2) accepts++;
      else rejects++;
      release(id);
      pump();
    });
    const sweeper = setInterval(() => {
      const now = process.hrtime.bigint();
      for (let id = 0; id < 256; id++) {
        const t = sentAt[id];
        if (t != null && Number(now - t) / 1e6 > timeoutMs) {
          lost++;
          release(id);
        }
      }
      pump();
    }, 100);
    pump();
  });
}
