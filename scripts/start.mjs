// `npm start`: the demo on this machine. Builds the web app on first run, then starts the server
// (embedded DB unless DATABASE_URL). Abonent runs as production unless told otherwise (server/config.ts):
// this script, and only it (with `npm run dev` and `npm run cli`), asks for development when NODE_ENV is
// unset — which takes effect on a loopback HOST only, so the demo logins never face a network.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const root = new URL('..', import.meta.url);
if (!existsSync(new URL('dist/web/index.html', root)) && existsSync(new URL('web/index.html', root))) {
  console.log('Building the web app (first start only)…');
  const r = spawnSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
    stdio: 'inherit',
    cwd: root,
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
// The flag as in docs/deploy.md's unit: V8's young generation kept at its full size (docs/network.md).
const child = spawn(process.execPath, ['--min-semi-space-size=16', '--import', 'tsx', 'server/main.ts'], {
  stdio: 'inherit',
  cwd: root,
  env: { ...process.env, NODE_ENV: process.env.NODE_ENV || 'development' },
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
