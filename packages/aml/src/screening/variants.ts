/**
 * Tables the normaliser uses: honorifics stripped, particles dropped, transliteration variants
 * folded onto one spelling, and Wade–Giles syllables that are not valid pinyin mapped to pinyin.
 * Each table holds folded (lower-case ASCII) spellings with doubled letters already collapsed,
 * because the normaliser looks them up after those steps.
 */

/** Titles and suffixes that say nothing about who a person is. */
export const HONORIFICS: ReadonlySet<string> = collapsedSet([
  'mr',
  'mrs',
  'ms',
  'mis',
  'mx',
  'dr',
  'prof',
  'sir',
  'dame',
  'lord',
  'lady',
  'hon',
  'rev',
  'fr',
  'haji',
  'haj',
  'hadji',
  'sheik',
  'shaikh',
  'sheikh',
  'gen',
  'col',
  'maj',
  'capt',
  'lt',
  'jr',
  'sr',
  'esq',
  'phd',
  'md',
  'monsieur',
  'madame',
  'herr',
  'frau',
  'senor',
  'senora',
  // Legal forms of companies: shared by unrelated names.
  'llc',
  'ltd',
  'limited',
  'co',
  'corp',
  'corporation',
  'inc',
  'gmbh',
  'ag',
  'sa',
  'sarl',
  'srl',
  'spa',
  'bv',
  'nv',
  'jsc',
  'pjsc',
  'ojsc',
  'ooo',
  'zao',
  'plc',
  'fze',
  'fzco',
  'lp',
  'lp',
  'pte',
  'pty',
  'kg',
]);

function collapsedSet(words: readonly string[]): ReadonlySet<string> {
  return new Set(words.map(collapseDoubles));
}

/** Arabic articles written apart or hyphenated ("al-Rashid", "el Sayed"): dropped. */
export const PARTICLES: ReadonlySet<string> = new Set(['al', 'el', 'ul', 'ad', 'ar', 'as', 'ash', 'at', 'az', 'ad']);

/** Honorifics written after a Chinese name (张伟先生). */
export const HAN_HONORIFICS: readonly string[] = ['先生', '女士', '小姐', '同志', '博士', '教授', '老师'];

/** Two-character Chinese surnames: the rest of the name is the given name. */
export const COMPOUND_SURNAMES: ReadonlySet<string> = new Set([
  '欧阳',
  '司马',
  '上官',
  '诸葛',
  '东方',
  '皇甫',
  '尉迟',
  '公孙',
  '慕容',
  '长孙',
  '宇文',
  '司徒',
  '令狐',
  '夏侯',
  '端木',
  '西门',
  '独孤',
  '南宫',
  '轩辕',
  '呼延',
  '澹台',
  '公冶',
  '申屠',
  '太史',
  '闻人',
  '万俟',
  '钟离',
  '宗政',
  '濮阳',
  '淳于',
  '单于',
]);

/** Groups of spellings of one name; the first is the canonical form. */
const VARIANT_GROUPS: readonly (readonly string[])[] = [
  ['muhamad', 'muhamed', 'mohamed', 'mohamad', 'mohd', 'mohammed', 'muhammad', 'mehmet', 'mehmed', 'mouhamed'],
  ['ahmad', 'ahmed', 'ahmet', 'achmad'],
  ['husayn', 'husein', 'husain', 'hussein', 'hussain', 'hosein', 'hossein', 'housein'],
  ['yusuf', 'yusef', 'yousef', 'yousuf', 'youssef', 'yousif', 'yossef'],
  ['abdula', 'abdulah', 'abdalah', 'abdallah', 'abdullah', 'abdulla'],
  ['usama', 'osama', 'usamah', 'osamah'],
  ['umar', 'omar', 'omer'],
  ['khalid', 'khaled', 'halid'],
  ['mahmud', 'mahmoud', 'mahmood', 'mahmut'],
  ['mustafa', 'mustapha', 'moustafa', 'mostafa'],
  ['ibrahim', 'ebrahim', 'ibraheem'],
  ['hasan', 'hassan', 'hasen'],
  ['husni', 'hosni', 'housni'],
  ['said', 'saeed', 'sayed', 'sayyid', 'saed', 'sayid', 'saied'],
  ['jamal', 'gamal', 'djamal'],
  ['abd', 'abdel', 'abdul', 'abdal'],
  ['bin', 'ibn'],
  ['abu', 'abou', 'abo'],
  ['aleksandr', 'alexander', 'alexandr', 'aleksander', 'alexandre', 'alesandro', 'oleksandr', 'aleksandar'],
  ['sergei', 'sergey', 'serguei', 'serhiy', 'sergiy', 'sergej'],
  ['yuri', 'yury', 'iuri', 'iurii', 'yuriy', 'jurij', 'yurii'],
  ['dmitri', 'dmitry', 'dmitriy', 'dmitrii', 'dmytro'],
  ['nikolai', 'nikolay', 'nicolai', 'mykola'],
  ['andrei', 'andrey', 'andriy', 'andrej', 'andrii'],
  ['aleksei', 'alexei', 'alexey', 'aleksey', 'oleksiy', 'oleksii', 'aleksej'],
  ['evgeni', 'evgeny', 'yevgeny', 'yevgeniy', 'evgenii', 'evgeniy', 'yevgeni', 'jevgenij'],
  ['mikhail', 'michail', 'mihail', 'mykhailo'],
  ['vladimir', 'wladimir', 'volodymyr', 'wlodzimierz'],
  ['pyotr', 'petr', 'piotr', 'petro'],
  ['fyodor', 'fedor', 'feodor', 'fiodor'],
  ['tatiana', 'tatyana', 'tatjana', 'tetiana', 'tetyana'],
  ['natalia', 'natalya', 'nataliya', 'natalja'],
  ['viktor', 'victor', 'wiktor'],
  ['yakov', 'iakov', 'jakov'],
  ['yevgenia', 'evgenia', 'yevgeniya', 'evgeniya'],
  ['kim', 'gim'],
  ['li', 'lee'],
  ['park', 'pak', 'bak'],
  ['choi', 'choe', 'chey'],
];

/**
 * Wade–Giles syllables that are not pinyin, mapped to pinyin (Mao Tse-tung → mao zedong). Spellings
 * that are also valid pinyin (chang, chou, teng, ting, kao…) are left alone: mapping them would
 * merge distinct pinyin names.
 */
export const WADE_GILES: ReadonlyMap<string, string> = new Map([
  ['hsi', 'xi'],
  ['hsia', 'xia'],
  ['hsiang', 'xiang'],
  ['hsiao', 'xiao'],
  ['hsieh', 'xie'],
  ['hsien', 'xian'],
  ['hsin', 'xin'],
  ['hsing', 'xing'],
  ['hsiu', 'xiu'],
  ['hsiung', 'xiong'],
  ['hsu', 'xu'],
  ['hsuan', 'xuan'],
  ['hsueh', 'xue'],
  ['hsun', 'xun'],
  ['chiang', 'jiang'],
  ['chiao', 'jiao'],
  ['chieh', 'jie'],
  ['chien', 'jian'],
  ['chih', 'zhi'],
  ['chiung', 'jiong'],
  ['chueh', 'jue'],
  ['chung', 'zhong'],
  ['kuo', 'guo'],
  ['kung', 'gong'],
  ['tsai', 'cai'],
  ['tsao', 'cao'],
  ['tse', 'ze'],
  ['tseng', 'zeng'],
  ['tso', 'zuo'],
  ['tsou', 'zou'],
  ['tsu', 'zu'],
  ['tsui', 'cui'],
  ['tsun', 'zun'],
  ['tsung', 'zong'],
  ['tzu', 'zi'],
  ['szu', 'si'],
  ['tung', 'dong'],
  ['jen', 'ren'],
  ['jung', 'rong'],
  ['jih', 'ri'],
  ['yeh', 'ye'],
  ['yung', 'yong'],
  ['tien', 'tian'],
  ['lien', 'lian'],
  ['mien', 'mian'],
  ['nien', 'nian'],
  ['pien', 'bian'],
  ['ko', 'ge'],
  ['ho', 'he'],
  ['lo', 'luo'],
]);

/** "mohammed" → "mohamed": a doubled letter is written once (typing one letter twice is a common slip). */
export function collapseDoubles(token: string): string {
  let out = '';
  for (let i = 0; i < token.length; i++) if (i === 0 || token[i] !== token[i - 1]) out += token[i];
  return out;
}

/** Spelling → canonical spelling, for every spelling listed in a variant group. */
export const VARIANT_CANONICAL: ReadonlyMap<string, string> = (() => {
  const map = new Map<string, string>();
  for (const group of VARIANT_GROUPS) {
    const canonical = collapseDoubles(group[0] as string);
    for (const spelling of group) map.set(collapseDoubles(spelling), canonical);
  }
  return map;
})();
