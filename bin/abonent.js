#!/usr/bin/env node
// The `abonent` command: runs server/cli.ts through tsx (the app runs from TypeScript sources).
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../server/cli.ts');
process.exit(await runCli(process.argv.slice(2)));
