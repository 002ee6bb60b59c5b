import type { Rng } from '@zhirong/kernel';
import { csvField } from './csv.ts';

/**
 * Test helpers: a small synthetic credit-like CSV with numeric, categorical and missing cells,
 * an identifier column, and a label that depends on them — so end-to-end tests have real signal.
 */
export function syntheticCreditCsv(rows: number, rng: Rng): string {
  const lines = ['customer_id,income,age,region,utilisation,late_payments,default'];
  const regions = ['north', 'south', 'east', 'west, coastal'];
  for (let i = 0; i < rows; i++) {
    const income = Math.round(2000 + rng.float() * 18000);
    const age = 20 + rng.int(50);
    const region = regions[rng.int(regions.length)] as string;
    const utilisation = rng.float();
    const late = rng.int(5);
    const z =
      -2 + 2.5 * utilisation + 0.6 * late - income / 10000 + (region === 'south' ? 0.8 : 0) + (rng.float() - 0.5);
    const label = rng.float() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
    const missingUtil = rng.float() < 0.1;
    lines.push(
      [1000 + i, income, age, csvField(region), missingUtil ? '' : utilisation.toFixed(4), late, label].join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
