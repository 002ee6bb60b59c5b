#!/usr/bin/env node
// The `zhirong` command. Zhirong runs its TypeScript sources directly (no build step): tsx's
// loader is registered first, then the CLI entry point is imported.
import { setFlagsFromString } from 'node:v8';
import { register } from 'tsx/esm/api';

// Batches of thousands of transfers allocate in bursts; a larger young generation keeps most of
// that garbage out of the slower old-generation collections.
setFlagsFromString('--max-semi-space-size=64');

register();
await import('../src/main.ts');
