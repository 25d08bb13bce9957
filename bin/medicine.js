#!/usr/bin/env node
// `npx medicine …`: the TypeScript sources run through tsx, as `npm start` runs them.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
