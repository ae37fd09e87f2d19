// `npm start`: build the web app on first run, then start the server (embedded DB unless DATABASE_URL).
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
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
