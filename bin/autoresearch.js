#!/usr/bin/env node
// Entry point of the `autoresearch` command. The sources are TypeScript run through tsx, so a
// fresh clone needs `npm ci` and nothing else: no build step to forget.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
