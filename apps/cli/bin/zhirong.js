#!/usr/bin/env node
// The `zhirong` command. Zhirong runs its TypeScript sources directly (no build step): tsx's
// loader is registered first, then the CLI entry point is imported.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
