#!/usr/bin/env -S node --max-semi-space-size=64
// The `zhirong` command. Zhirong runs its TypeScript sources directly (no build step): tsx's
// loader is registered first, then the CLI entry point is imported.
//
// --max-semi-space-size: batches of thousands of transfers allocate in bursts; a larger young
// generation keeps that garbage out of the slower old-generation collections. It must be a
// command-line flag: V8 sizes the young generation at start-up, so setting it from inside the
// process has no effect. `npm start` and the benchmark's server child pass it too.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
