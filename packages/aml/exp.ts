import { generateList, noisyVariants, generatePerson, ListRandom } from './src/screening/generator.ts';
import { buildScreeningIndex, subjectOf, DEFAULT_THRESHOLD } from './src/screening/screening.ts';
const N = Number(process.argv[2] ?? 100000);
const Q = Number(process.argv[3] ?? 5000);
const TH = Number(process.argv[4] ?? DEFAULT_THRESHOLD);
let t = performance.now();
const list = generateList(N, 1);
console.log('gen', ((performance.now()-t)/1000).toFixed(2));
t = performance.now();
const idx = buildScreeningIndex(list.map(p => ({ fullName: p.fullName, dateOfBirth: p.dateOfBirth, nationality: p.nationality })));
console.log('build', ((performance.now()-t)/1000).toFixed(2), 'keys', idx.keyCount, 'rss', process.memoryUsage().rss/1e6);
import { normalizeName as nn } from './src/screening/normalize.ts';
const nk2 = (n: string) => nn(n).tokens.map(t=>t.key).sort().join(' ');
const variants = noisyVariants(list, Q, 2, Number(process.argv[5] ?? 0));
t = performance.now();
let found = 0, cands = 0; const misses: Record<string, number> = {};
const ex: string[] = [];
for (const v of variants) {
  const h = idx.screen(subjectOf({fullName: v.person.fullName, dateOfBirth: v.person.dateOfBirth, nationality: v.person.nationality}), { threshold: TH });
  cands += h.candidates;
  const same = (a: any, b: any) => nk2(a.fullName) === nk2(b.fullName) && a.dateOfBirth === b.dateOfBirth && a.nationality === b.nationality;
  if (h.entry === v.source || (h.entry !== null && same(list[h.entry], list[v.source]))) found++; else { const k = v.noise.join('+'); misses[k] = (misses[k] ?? 0) + 1; if (ex.length < 25) ex.push(`${list[v.source]!.fullName}|${list[v.source]!.dateOfBirth} -> ${v.person.fullName}|${v.person.dateOfBirth} ${v.noise} got ${h.entry} ${h.score} ${h.entry!==null? list[h.entry]!.fullName + '|' + list[h.entry]!.dateOfBirth : ''}`); }
}
const vs = (performance.now()-t)/1000;
console.log('recall', found / Q, 'per s', (Q / vs).toFixed(0), 'avg cands', cands / Q, misses);
console.log(ex.join('\n'));
import { normalizeName } from './src/screening/normalize.ts';
const nk = (n: string) => normalizeName(n).tokens.map(t=>t.key).sort().join(' ');
const listed = new Set(list.map(p => nk(p.fullName)));
let unl = 0, unlfp = 0;
const rng = new ListRandom(99);
let fp = 0; const fex: string[] = []; t = performance.now();
for (let i = 0; i < Q; i++) {
  const p = generatePerson(rng);
  const h = idx.screen(subjectOf({fullName: p.fullName, dateOfBirth: p.dateOfBirth, nationality: p.nationality}), { threshold: TH });
  const isUnl = !listed.has(nk(p.fullName)); if (isUnl) unl++;
  if (h.entry !== null && isUnl) unlfp++;
  if (h.entry !== null && isUnl) { fp++; if (fex.length < 25) fex.push(`${p.fullName}|${p.dateOfBirth}|${p.nationality} ~ ${list[h.entry]!.fullName}|${list[h.entry]!.dateOfBirth}|${list[h.entry]!.nationality} ${h.score} ${JSON.stringify(h.explanation?.tokens.map(t=>t.kind))} ${h.explanation?.birthDate}`); }
}
console.log('unlisted', unl, 'fp unlisted', unlfp/unl, 'fp', fp / Q, 'per s', (Q / ((performance.now()-t)/1000)).toFixed(0));
console.log(fex.join('\n'));
