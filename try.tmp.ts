import { readFileSync } from 'node:fs';
import { parseIso20022 } from '@zhirong/iso20022';
for (const f of process.argv.slice(2)) {
  const r = parseIso20022(readFileSync(f));
  console.log(f, JSON.stringify(r.ok ? r.message: r, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)).slice(0, 2500));
}
