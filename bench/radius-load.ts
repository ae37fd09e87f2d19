import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import dgram from 'node:dgram';
import { copyFileSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The load generator blast() uses: bench/radload.c compiled with the machine's C compiler (~25 µs of CPU
 * per request, most of it the kernel's UDP path), or, without one (or with RADLOAD=node), the Node
 * generator below (50-120 µs per request), taken from the same two cores as the servers it measures.
 * Chosen once, on first use: after bench:radius has installed the compiler it needs.
 */
export function generator(): 'c' | 'node' {
  return binary() ? 'c' : 'node';
}

let built: string | null | undefined;
function binary(): string | null {
  if (built === undefined) built = compiled();
  return built;
}

function compiled(): string | null {
  if (process.env.RADLOAD === 'node') return null;
  const source = fileURLToPath(new URL('radload.c', import.meta.url));
  const hash = createHash('sha256').update(readFileSync(source)).digest('hex').slice(0, 12);
  const binary = join(tmpdir(), `abonent-radload-${hash}`);
  if (existsSync(binary)) return binary;
  try {
    // Built beside and renamed: a second bench starting at the same moment never runs a half-written file.
    const building = `${binary}.${process.pid}`;
    execFileSync('cc', ['-O2', '-o', building, source], { stdio: 'pipe' });
    renameSync(building, binary);
    return binary;
  } catch {
    return null;
  }
}

/** Packets encoded (and, for the C generator, written to a file) once, before anything is measured. */
export interface PreparedPackets {
  packets: Buffer[];
  file: string | null;
  dispose(): void;
}

let prepared = 0;

export function preparePackets(packets: Buffer[]): PreparedPackets {
  if (!binary()) return { packets, file: null, dispose() {} };
  const file = join(tmpdir(), `abonent-radload-${process.pid}-${prepared++}.bin`);
  writeFileSync(file, Buffer.concat(packets));
  return { packets, file, dispose: () => rmSync(file, { force: true }) };
}

export interface BlastOptions {
  port: number;
  load: PreparedPackets;
  inflight: number;
  timeoutMs?: number;
}

export function blast(o: BlastOptions): Promise<LoadResult> {
  const bin = binary();
  return bin && o.load.file ? compiledBlast(bin, o.load.file, o) : nodeBlast(o);
}

let kept = 0;

async function compiledBlast(binary: string, file: string, o: BlastOptions): Promise<LoadResult> {
  const latencies = `${file}.latencies`;
  try {
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(
        binary,
        [String(o.port), String(o.inflight), String(o.timeoutMs ?? 5000), file, latencies],
        { maxBuffer: 1 << 20 },
        (err, out, errOut) => (err ? reject(new Error(`radload: ${errOut || err.message}`)) : resolve(out)),
      ),
    );
    // RADLOAD_KEEP=<dir>: each blast's latencies, in the order answered, kept there (blast-1.f64, …) to see
    // when in a round the slow answers came.
    if (process.env.RADLOAD_KEEP) copyFileSync(latencies, join(process.env.RADLOAD_KEEP, `blast-${++kept}.f64`));
    const bytes = readFileSync(latencies);
    // A copy (the file's bytes need not be 8-aligned), sorted; the file has them in the order answered.
    const latenciesMs = new Float64Array(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    ).sort();
    return { ...(JSON.parse(stdout) as Omit<LoadResult, 'latenciesMs'>), latenciesMs };
  } finally {
    rmSync(latencies, { force: true });
  }
}

/**
 * Waits until the machine is quiet — under 10% of its CPUs busy for 600 ms, at most `maxMs` — so that
 * what one run left behind (PostgreSQL's autovacuum and checkpoints after the peer's inserts, the
 * collector of this process) does not land on the first second of the next. Returns the time waited.
 */
export async function settle(maxMs = 20_000): Promise<number> {
  const started = Date.now();
  let quiet = 0;
  let before = cpuTimes();
  while (Date.now() - started < maxMs && quiet < 3) {
    await new Promise((r) => setTimeout(r, 200));
    const now = cpuTimes();
    const total = now.total - before.total;
    quiet = total > 0 && (total - (now.idle - before.idle)) / total < 0.1 ? quiet + 1 : 0;
    before = now;
  }
  return Date.now() - started;
}

/** Jiffies of all CPUs together from /proc/stat: idle (with iowait) and total. */
function cpuTimes(): { idle: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  return { idle: f[3]! + f[4]!, total: f.reduce((a, b) => a + b, 0) };
}

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
  /** CPU the generator itself used (user + system). */
  cpuSeconds: number;
  /** Every answer's latency, sorted: percentiles over several blasts are taken over these together. */
  latenciesMs: Float64Array;
}

/** The `p` quantile (0.99) of sorted latencies, as the generators take it, rounded to 0.01 ms. */
export function quantile(sorted: ArrayLike<number>, p: number): number {
  const v = sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
  return Math.round(v * 100) / 100;
}

async function nodeBlast(o: BlastOptions): Promise<LoadResult> {
  const cpu0 = process.cpuUsage();
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
      const latenciesMs = Float64Array.from(latencies).sort();
      resolve({
        sent: next,
        accepts,
        rejects,
        lost,
        seconds,
        p50Ms: quantile(latenciesMs, 0.5),
        p99Ms: quantile(latenciesMs, 0.99),
        cpuSeconds: ((cpu) => (cpu.user + cpu.system) / 1e6)(process.cpuUsage(cpu0)),
        latenciesMs,
      });
    };
    const pump = () => {
      while (outstanding < o.inflight && next < o.load.packets.length && free.length > 0) {
        const id = free.shift()!;
        const packet = o.load.packets[next++]!;
        packet[1] = id;
        sentAt[id] = process.hrtime.bigint();
        outstanding++;
        socket.send(packet, o.port, '127.0.0.1');
      }
      if (outstanding === 0 && next >= o.load.packets.length) finish();
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
