import { createInterface } from 'node:readline';

/**
 * A secret for a CLI command, never from the command line (argv is visible to every user in `ps` and
 * stays in shell history):
 *
 * - from the environment variable `envVar` when it is set (for scripts; removed from this process's
 *   environment once read);
 * - else, on a terminal, typed twice with echo off;
 * - else the first line of standard input (`printf '%s\n' "$PW" | abonent …`).
 */
export async function readSecret(opts: { envVar: string; what: string }): Promise<string> {
  const fromEnv = process.env[opts.envVar];
  if (fromEnv !== undefined && fromEnv !== '') {
    delete process.env[opts.envVar];
    return fromEnv;
  }
  if (process.stdin.isTTY) {
    const first = await askHidden(`${opts.what}: `);
    const again = await askHidden(`${opts.what} again: `);
    if (first !== again) throw new Error('the two entries differ; nothing changed');
    return first;
  }
  const line = await firstLine();
  if (!line)
    throw new Error(
      `no ${opts.what.toLowerCase()} given: set ${opts.envVar}, type it at a terminal, or pipe it on stdin`,
    );
  return line;
}

function firstLine(): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
    let got = '';
    rl.once('line', (l) => {
      got = l;
      rl.close();
    });
    rl.once('close', () => {
      process.stdin.pause();
      resolve(got);
    });
  });
}

/** Reads one line from the terminal in raw mode without echoing it (backspace works, Ctrl-C cancels). */
function askHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          finish();
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          finish();
          reject(new Error('cancelled; nothing changed'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    stdin.on('data', onData);
    stdin.resume();
  });
}
