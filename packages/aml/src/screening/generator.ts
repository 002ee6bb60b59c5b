import { SURNAMES } from '@zhirong/simulator';

/**
 * Seeded test lists for screening: Latin-script persons (many languages, with real and made-up
 * surnames so that a million entries are not a few thousand names repeated), Chinese persons in
 * characters or in pinyin, and organisations; and noisy variants of listed names (reordered words,
 * transposed, doubled, replaced, dropped letters, a shifted birth year, pinyin for characters).
 */

/** sfc32: small, fast, seeded; the same seed gives the same list on every machine. */
export class ListRandom {
  #a: number;
  #b: number;
  #c: number;
  #d: number;
  constructor(seed: number) {
    this.#a = 0x9e3779b9;
    this.#b = 0x243f6a88;
    this.#c = 0xb7e15162;
    this.#d = seed | 0;
    for (let i = 0; i < 15; i++) this.u32();
  }
  u32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (((this.#c << 21) | (this.#c >>> 11)) + t) | 0;
    return t >>> 0;
  }
  /** Uniform in [0, 1). */
  float(): number {
    return this.u32() / 4294967296;
  }
  int(bound: number): number {
    return Math.floor(this.float() * bound);
  }
  chance(p: number): boolean {
    return this.float() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
}

const FIRST_NAMES = (
  'James John Robert Michael William David Richard Joseph Thomas Charles Mary Patricia Jennifer Linda ' +
  'Elizabeth Barbara Susan Jessica Sarah Karen Nancy Lisa Margaret Sandra Ashley Emily Donna Michelle ' +
  'Vladimir Sergei Dmitry Alexei Nikolai Igor Yuri Mikhail Andrei Oleg Ivan Pavel Boris Viktor Anatoly ' +
  'Natalia Olga Tatiana Svetlana Irina Elena Anna Maria Ekaterina Ludmila Mohammed Ahmed Ali Omar ' +
  'Hassan Hussein Ibrahim Yusuf Khalid Mustafa Abdullah Tariq Karim Fatima Aisha Layla Zainab Mariam ' +
  'Jose Juan Carlos Luis Miguel Javier Alejandro Diego Pablo Sofia Lucia Carmen Isabel Francisco ' +
  'Pierre Jean Louis Michel Philippe Nicolas Francois Camille Claire Isabelle Hans Klaus Jurgen Stefan ' +
  'Wolfgang Helmut Giulia Marco Giuseppe Alessandro Lorenzo Matteo Kenji Hiroshi Takeshi Yuki Akira ' +
  'Min-jun Seo-yeon Ji-ho Kwame Kofi Amara Chinedu Oluwaseun Arjun Rahul Priya Anil Sunil Deepak Ravi ' +
  'Mehmet Emre Ayse Elif Reza Ali-Reza Farhad Dariush Nguyen Thanh Minh Tuan Lars Erik Sven Ingrid Astrid'
).split(' ');

const SURNAMES_LATIN = (
  'Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez ' +
  'Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Thompson White Harris Clark Lewis Robinson ' +
  'Ivanov Petrov Sidorov Smirnov Kuznetsov Popov Sokolov Lebedev Kozlov Novikov Morozov Volkov Orlov ' +
  'Rahman Hussain Khan Haddad Nasser Mansour Saleh Aziz Karimi Hosseini Rezaei Ahmadi Mohammadi ' +
  'Muller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Rossi Russo Ferrari ' +
  'Esposito Bianchi Romano Colombo Dubois Durand Lefebvre Moreau Laurent Simon Michel Bernard ' +
  'Tanaka Suzuki Takahashi Watanabe Yamamoto Nakamura Kobayashi Kim Park Choi Jung Kang Yoon ' +
  'Okafor Mensah Adeyemi Okonkwo Diallo Traore Kamara Patel Sharma Singh Gupta Kumar Reddy Iyer ' +
  'Yilmaz Kaya Demir Celik Sahin Nguyen Tran Pham Hoang Larsen Hansen Nielsen Johansson Lindqvist'
).split(' ');

const ORG_WORDS = (
  'Trading Holdings Group Industries Shipping Logistics Energy Petroleum Mining Capital Finance Bank ' +
  'Investment Development Technology Import Export International General Global United Pacific ' +
  'Eastern Northern Star Golden Silver Dragon Phoenix Ocean River Mountain Alliance'
).split(' ');
const ORG_SUFFIXES = ['LLC', 'Ltd', 'Limited', 'Co', 'Corp', 'GmbH', 'SA', 'JSC', 'FZE', 'PLC'];

/** Common given-name characters and their pinyin. */
const GIVEN_CHARS = (
  '伟wei 芳fang 娜na 敏min 静jing 丽li 强qiang 磊lei 军jun 洋yang 勇yong 艳yan 杰jie 娟juan 涛tao ' +
  '明ming 超chao 秀xiu 霞xia 平ping 刚gang 桂gui 英ying 华hua 玉yu 红hong 建jian 文wen 辉hui 力li ' +
  '鹏peng 宇yu 浩hao 凯kai 子zi 轩xuan 梓zi 涵han 欣xin 怡yi 雨yu 萱xuan 博bo 晨chen 瑞rui 思si ' +
  '嘉jia 俊jun 天tian 海hai 国guo 志zhi 东dong 春chun 晓xiao 雪xue 琳lin 婷ting 慧hui 佳jia 龙long ' +
  '斌bin 波bo 飞fei 彬bin 鑫xin 亮liang 成cheng 宏hong 峰feng 林lin 颖ying 倩qian 云yun 兰lan ' +
  '晶jing 璐lu 蕾lei 琪qi 悦yue 淑shu 彤tong 阳yang 帆fan 诚cheng 昊hao 铭ming 睿rui 哲zhe 翔xiang'
)
  .split(' ')
  .map((s) => [s.slice(0, 1), s.slice(1)] as const);

const COUNTRIES = [
  'CN',
  'RU',
  'IR',
  'SY',
  'KP',
  'US',
  'GB',
  'DE',
  'FR',
  'AE',
  'TR',
  'IN',
  'NG',
  'VE',
  'MX',
  'JP',
  'KR',
];

/** One generated list entry or input row, as it would appear in a CSV file. */
export interface GeneratedPerson {
  readonly fullName: string;
  /** `YYYY-MM-DD`, `YYYY`, or empty. */
  readonly dateOfBirth: string;
  readonly nationality: string;
  /** Chinese characters (the pinyin form is in `pinyin`). */
  readonly han: boolean;
  /** Pinyin reading of a Chinese name, surname first ("Zhang Wei"); empty otherwise. */
  readonly pinyin: string;
  readonly kind: 'person' | 'organization';
}

const SYLLABLE_ONSETS = [
  'b',
  'd',
  'f',
  'g',
  'k',
  'l',
  'm',
  'n',
  'p',
  'r',
  's',
  't',
  'v',
  'z',
  'ch',
  'sh',
  'kr',
  'tr',
  'st',
];
const SYLLABLE_VOWELS = ['a', 'e', 'i', 'o', 'u', 'ai', 'ou', 'ei'];
const SYLLABLE_CODAS = ['', '', '', 'n', 'r', 's', 'l', 'k', 'm'];
const SURNAME_ENDINGS = ['', '', 'ov', 'enko', 'son', 'ez', 'ini', 'escu', 'ski', 'er', 'ani', 'idis'];

function madeUpWord(rng: ListRandom, syllables: number, ending: string): string {
  let w = '';
  for (let i = 0; i < syllables; i++)
    w += rng.pick(SYLLABLE_ONSETS) + rng.pick(SYLLABLE_VOWELS) + rng.pick(SYLLABLE_CODAS);
  w += ending;
  return w.charAt(0).toUpperCase() + w.slice(1);
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

function birthDate(rng: ListRandom): string {
  const r = rng.float();
  if (r < 0.05) return '';
  const year = 1940 + rng.int(66);
  if (r < 0.15) return String(year);
  return `${year}-${pad2(1 + rng.int(12))}-${pad2(1 + rng.int(28))}`;
}

const SURNAME_WEIGHT_TOTAL = SURNAMES.reduce((sum, s) => sum + s[2], 0);

function chineseSurname(rng: ListRandom): readonly [string, string] {
  let x = rng.float() * SURNAME_WEIGHT_TOTAL;
  for (const [zh, en, w] of SURNAMES) {
    x -= w;
    if (x < 0) return [zh, en];
  }
  return ['王', 'Wang'];
}

/** One random person or organisation. */
export function generatePerson(rng: ListRandom): GeneratedPerson {
  const r = rng.float();
  const nationality = rng.chance(0.7) ? rng.pick(COUNTRIES) : '';
  if (r < 0.1) {
    const words = [madeUpWord(rng, 2 + rng.int(2), ''), rng.pick(ORG_WORDS)];
    if (rng.chance(0.5)) words.push(rng.pick(ORG_WORDS));
    words.push(rng.pick(ORG_SUFFIXES));
    return { fullName: words.join(' '), dateOfBirth: '', nationality, han: false, pinyin: '', kind: 'organization' };
  }
  if (r < 0.4) {
    const [surnameZh, surnameEn] = chineseSurname(rng);
    const length = rng.chance(0.3) ? 1 : 2;
    const chars = Array.from({ length }, () => rng.pick(GIVEN_CHARS));
    const given = chars.map((c) => c[1]).join('');
    const pinyin = `${surnameEn} ${given.charAt(0).toUpperCase()}${given.slice(1)}`;
    const han = rng.chance(0.6);
    return {
      fullName: han ? surnameZh + chars.map((c) => c[0]).join('') : pinyin,
      dateOfBirth: birthDate(rng),
      nationality: nationality === '' ? '' : 'CN',
      han,
      pinyin,
      kind: 'person',
    };
  }
  const first = rng.pick(FIRST_NAMES);
  const surname = rng.chance(0.4)
    ? rng.pick(SURNAMES_LATIN)
    : madeUpWord(rng, 1 + rng.int(3), rng.pick(SURNAME_ENDINGS));
  const parts = [first];
  if (rng.chance(0.3)) parts.push(rng.chance(0.5) ? rng.pick(FIRST_NAMES) : madeUpWord(rng, 2, ''));
  parts.push(surname);
  return {
    fullName: parts.join(' '),
    dateOfBirth: birthDate(rng),
    nationality,
    han: false,
    pinyin: '',
    kind: 'person',
  };
}

export function generateList(size: number, seed: number): GeneratedPerson[] {
  const rng = new ListRandom(seed);
  return Array.from({ length: size }, () => generatePerson(rng));
}

export type NoiseKind =
  | 'reorder'
  | 'transpose'
  | 'double'
  | 'replace'
  | 'drop'
  | 'shift_year'
  | 'pinyin'
  | 'case_and_spacing';

export const NOISE_KINDS: readonly NoiseKind[] = [
  'reorder',
  'transpose',
  'double',
  'replace',
  'drop',
  'shift_year',
  'pinyin',
  'case_and_spacing',
];

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** Positions of letters inside words of at least `minLength` letters (not the first letter of a word). */
function letterPositions(name: string, minLength: number): number[] {
  const out: number[] = [];
  for (const m of name.matchAll(/[A-Za-z]+/g)) {
    const word = m[0];
    if (word.length < minLength) continue;
    for (let i = 1; i < word.length; i++) out.push((m.index ?? 0) + i);
  }
  return out;
}

function applyNoise(person: GeneratedPerson, kind: NoiseKind, rng: ListRandom): GeneratedPerson {
  let name = person.fullName;
  let dob = person.dateOfBirth;
  // Letter-level noise on a Chinese name in characters applies to its pinyin.
  if (person.han && kind !== 'shift_year' && kind !== 'reorder') name = person.pinyin;
  switch (kind) {
    case 'reorder': {
      if (person.han) name = person.pinyin.split(' ').reverse().join(' ');
      else {
        const words = name.split(' ');
        const first = words.shift() as string;
        name = [...words, first].join(' ');
        if (rng.chance(0.3)) name = `${words.join(' ')}, ${first}`;
      }
      break;
    }
    case 'transpose': {
      const positions = letterPositions(name, 3).filter((p) => /[A-Za-z]/.test(name[p + 1] ?? ''));
      if (positions.length > 0) {
        const p = rng.pick(positions);
        name = name.slice(0, p) + (name[p + 1] as string) + (name[p] as string) + name.slice(p + 2);
      }
      break;
    }
    case 'double': {
      const positions = letterPositions(name, 2);
      if (positions.length > 0) {
        const p = rng.pick(positions);
        name = name.slice(0, p + 1) + (name[p] as string) + name.slice(p + 1);
      }
      break;
    }
    case 'replace': {
      const positions = letterPositions(name, 4);
      if (positions.length > 0) {
        const p = rng.pick(positions);
        let c = rng.pick([...LETTERS]);
        while (c === name[p]?.toLowerCase()) c = rng.pick([...LETTERS]);
        name = name.slice(0, p) + c + name.slice(p + 1);
      }
      break;
    }
    case 'drop': {
      const positions = letterPositions(name, 5);
      if (positions.length > 0) {
        const p = rng.pick(positions);
        name = name.slice(0, p) + name.slice(p + 1);
      }
      break;
    }
    case 'shift_year': {
      if (dob.length >= 4) dob = String(Number(dob.slice(0, 4)) + (rng.chance(0.5) ? 1 : -1)) + dob.slice(4);
      break;
    }
    case 'pinyin':
      if (person.han) name = rng.chance(0.5) ? person.pinyin.toUpperCase() : person.pinyin.replace(' ', '');
      else name = name.toUpperCase();
      break;
    case 'case_and_spacing':
      name = rng.chance(0.5) ? name.toLowerCase() : `  ${name.replace(/ /g, '  ')} `;
      break;
  }
  return { ...person, fullName: name, dateOfBirth: dob, han: false };
}

/** A noisy copy of a listed person, with the noise applied and the index of its source entry. */
export interface NoisyVariant {
  readonly person: GeneratedPerson;
  readonly source: number;
  readonly noise: readonly NoiseKind[];
}

/**
 * `count` variants of random entries of `list` (organisations included), each with one kind of
 * noise, or two with probability `twoNoisesShare`.
 */
export function noisyVariants(
  list: readonly GeneratedPerson[],
  count: number,
  seed: number,
  twoNoisesShare = 0,
): NoisyVariant[] {
  const rng = new ListRandom(seed);
  const out: NoisyVariant[] = [];
  for (let i = 0; i < count; i++) {
    const source = rng.int(list.length);
    let person = list[source] as GeneratedPerson;
    const noise: NoiseKind[] = [rng.pick(NOISE_KINDS)];
    if (rng.chance(twoNoisesShare)) {
      let second = rng.pick(NOISE_KINDS);
      while (second === noise[0]) second = rng.pick(NOISE_KINDS);
      noise.push(second);
    }
    for (const kind of noise) person = applyNoise(person, kind, rng);
    out.push({ person, source, noise });
  }
  return out;
}
