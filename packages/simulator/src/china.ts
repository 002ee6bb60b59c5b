import { type SimRandom, WeightedPicker } from './random.ts';

/**
 * Reference tables for a synthetic Chinese customer base. The region codes are real GB/T 2260
 * district codes (one urban district per city); the weights are rough shares of urban population;
 * the IP /16 blocks are real prefixes of ranges APNIC allocated to Chinese networks, but which block
 * belongs to which city is the simulator's own assignment — it is not a geolocation database.
 */
export interface Region {
  readonly code: string;
  readonly provinceZh: string;
  readonly provinceEn: string;
  readonly cityZh: string;
  readonly cityEn: string;
  /** City tier: 1 (Beijing, Shanghai, Guangzhou, Shenzhen) to 3. Drives incomes. */
  readonly tier: 1 | 2 | 3;
  readonly weight: number;
  /** First two octets of the region's broadband and mobile address blocks. */
  readonly ipBlocks: readonly (readonly [number, number])[];
}

export const REGIONS: readonly Region[] = [
  {
    code: '110105',
    provinceZh: '北京市',
    provinceEn: 'Beijing',
    cityZh: '北京',
    cityEn: 'Beijing',
    tier: 1,
    weight: 8,
    ipBlocks: [
      [123, 112],
      [114, 242],
      [106, 37],
    ],
  },
  {
    code: '310115',
    provinceZh: '上海市',
    provinceEn: 'Shanghai',
    cityZh: '上海',
    cityEn: 'Shanghai',
    tier: 1,
    weight: 9,
    ipBlocks: [
      [116, 224],
      [101, 80],
      [180, 166],
    ],
  },
  {
    code: '440106',
    provinceZh: '广东省',
    provinceEn: 'Guangdong',
    cityZh: '广州',
    cityEn: 'Guangzhou',
    tier: 1,
    weight: 7,
    ipBlocks: [
      [113, 108],
      [183, 6],
      [14, 215],
    ],
  },
  {
    code: '440305',
    provinceZh: '广东省',
    provinceEn: 'Guangdong',
    cityZh: '深圳',
    cityEn: 'Shenzhen',
    tier: 1,
    weight: 7,
    ipBlocks: [
      [119, 123],
      [183, 37],
      [116, 6],
    ],
  },
  {
    code: '330106',
    provinceZh: '浙江省',
    provinceEn: 'Zhejiang',
    cityZh: '杭州',
    cityEn: 'Hangzhou',
    tier: 2,
    weight: 5,
    ipBlocks: [
      [115, 236],
      [122, 224],
      [60, 191],
    ],
  },
  {
    code: '320106',
    provinceZh: '江苏省',
    provinceEn: 'Jiangsu',
    cityZh: '南京',
    cityEn: 'Nanjing',
    tier: 2,
    weight: 4,
    ipBlocks: [
      [58, 213],
      [180, 110],
      [49, 65],
    ],
  },
  {
    code: '320508',
    provinceZh: '江苏省',
    provinceEn: 'Jiangsu',
    cityZh: '苏州',
    cityEn: 'Suzhou',
    tier: 2,
    weight: 4,
    ipBlocks: [
      [58, 208],
      [221, 224],
    ],
  },
  {
    code: '510107',
    provinceZh: '四川省',
    provinceEn: 'Sichuan',
    cityZh: '成都',
    cityEn: 'Chengdu',
    tier: 2,
    weight: 6,
    ipBlocks: [
      [171, 214],
      [118, 112],
      [182, 139],
    ],
  },
  {
    code: '500103',
    provinceZh: '重庆市',
    provinceEn: 'Chongqing',
    cityZh: '重庆',
    cityEn: 'Chongqing',
    tier: 2,
    weight: 6,
    ipBlocks: [
      [113, 204],
      [222, 177],
      [183, 230],
    ],
  },
  {
    code: '420106',
    provinceZh: '湖北省',
    provinceEn: 'Hubei',
    cityZh: '武汉',
    cityEn: 'Wuhan',
    tier: 2,
    weight: 5,
    ipBlocks: [
      [111, 172],
      [59, 172],
      [221, 234],
    ],
  },
  {
    code: '610113',
    provinceZh: '陕西省',
    provinceEn: 'Shaanxi',
    cityZh: '西安',
    cityEn: "Xi'an",
    tier: 2,
    weight: 4,
    ipBlocks: [
      [113, 140],
      [117, 22],
      [1, 80],
    ],
  },
  {
    code: '120101',
    provinceZh: '天津市',
    provinceEn: 'Tianjin',
    cityZh: '天津',
    cityEn: 'Tianjin',
    tier: 2,
    weight: 4,
    ipBlocks: [
      [60, 25],
      [117, 13],
      [111, 160],
    ],
  },
  {
    code: '370102',
    provinceZh: '山东省',
    provinceEn: 'Shandong',
    cityZh: '济南',
    cityEn: 'Jinan',
    tier: 2,
    weight: 3,
    ipBlocks: [
      [60, 208],
      [119, 164],
    ],
  },
  {
    code: '370202',
    provinceZh: '山东省',
    provinceEn: 'Shandong',
    cityZh: '青岛',
    cityEn: 'Qingdao',
    tier: 2,
    weight: 3,
    ipBlocks: [
      [119, 167],
      [27, 223],
    ],
  },
  {
    code: '350203',
    provinceZh: '福建省',
    provinceEn: 'Fujian',
    cityZh: '厦门',
    cityEn: 'Xiamen',
    tier: 2,
    weight: 2,
    ipBlocks: [
      [110, 80],
      [27, 148],
    ],
  },
  {
    code: '430102',
    provinceZh: '湖南省',
    provinceEn: 'Hunan',
    cityZh: '长沙',
    cityEn: 'Changsha',
    tier: 2,
    weight: 4,
    ipBlocks: [
      [175, 0],
      [222, 240],
    ],
  },
  {
    code: '410105',
    provinceZh: '河南省',
    provinceEn: 'Henan',
    cityZh: '郑州',
    cityEn: 'Zhengzhou',
    tier: 2,
    weight: 5,
    ipBlocks: [
      [61, 158],
      [171, 8],
      [123, 52],
    ],
  },
  {
    code: '210102',
    provinceZh: '辽宁省',
    provinceEn: 'Liaoning',
    cityZh: '沈阳',
    cityEn: 'Shenyang',
    tier: 2,
    weight: 3,
    ipBlocks: [
      [59, 46],
      [124, 95],
    ],
  },
  {
    code: '230102',
    provinceZh: '黑龙江省',
    provinceEn: 'Heilongjiang',
    cityZh: '哈尔滨',
    cityEn: 'Harbin',
    tier: 3,
    weight: 3,
    ipBlocks: [
      [221, 208],
      [1, 188],
    ],
  },
  {
    code: '530102',
    provinceZh: '云南省',
    provinceEn: 'Yunnan',
    cityZh: '昆明',
    cityEn: 'Kunming',
    tier: 3,
    weight: 3,
    ipBlocks: [
      [116, 52],
      [182, 242],
    ],
  },
  {
    code: '450103',
    provinceZh: '广西壮族自治区',
    provinceEn: 'Guangxi',
    cityZh: '南宁',
    cityEn: 'Nanning',
    tier: 3,
    weight: 3,
    ipBlocks: [
      [113, 15],
      [222, 216],
    ],
  },
  {
    code: '340104',
    provinceZh: '安徽省',
    provinceEn: 'Anhui',
    cityZh: '合肥',
    cityEn: 'Hefei',
    tier: 2,
    weight: 3,
    ipBlocks: [
      [60, 166],
      [114, 97],
    ],
  },
  {
    code: '360102',
    provinceZh: '江西省',
    provinceEn: 'Jiangxi',
    cityZh: '南昌',
    cityEn: 'Nanchang',
    tier: 3,
    weight: 2,
    ipBlocks: [
      [59, 52],
      [182, 106],
    ],
  },
  {
    code: '130102',
    provinceZh: '河北省',
    provinceEn: 'Hebei',
    cityZh: '石家庄',
    cityEn: 'Shijiazhuang',
    tier: 3,
    weight: 3,
    ipBlocks: [
      [121, 28],
      [27, 128],
    ],
  },
  {
    code: '140105',
    provinceZh: '山西省',
    provinceEn: 'Shanxi',
    cityZh: '太原',
    cityEn: 'Taiyuan',
    tier: 3,
    weight: 2,
    ipBlocks: [
      [218, 26],
      [1, 68],
    ],
  },
  {
    code: '220104',
    provinceZh: '吉林省',
    provinceEn: 'Jilin',
    cityZh: '长春',
    cityEn: 'Changchun',
    tier: 3,
    weight: 2,
    ipBlocks: [
      [175, 30],
      [58, 244],
    ],
  },
  {
    code: '520102',
    provinceZh: '贵州省',
    provinceEn: 'Guizhou',
    cityZh: '贵阳',
    cityEn: 'Guiyang',
    tier: 3,
    weight: 2,
    ipBlocks: [
      [220, 197],
      [58, 42],
    ],
  },
  {
    code: '620102',
    provinceZh: '甘肃省',
    provinceEn: 'Gansu',
    cityZh: '兰州',
    cityEn: 'Lanzhou',
    tier: 3,
    weight: 1,
    ipBlocks: [
      [61, 178],
      [118, 180],
    ],
  },
  {
    code: '150102',
    provinceZh: '内蒙古自治区',
    provinceEn: 'Inner Mongolia',
    cityZh: '呼和浩特',
    cityEn: 'Hohhot',
    tier: 3,
    weight: 1,
    ipBlocks: [
      [110, 16],
      [1, 24],
    ],
  },
  {
    code: '650102',
    provinceZh: '新疆维吾尔自治区',
    provinceEn: 'Xinjiang',
    cityZh: '乌鲁木齐',
    cityEn: 'Urumqi',
    tier: 3,
    weight: 1,
    ipBlocks: [
      [110, 153],
      [124, 117],
    ],
  },
  {
    code: '460105',
    provinceZh: '海南省',
    provinceEn: 'Hainan',
    cityZh: '海口',
    cityEn: 'Haikou',
    tier: 3,
    weight: 1,
    ipBlocks: [
      [124, 225],
      [59, 50],
    ],
  },
];

export const REGION_PICKER = new WeightedPicker(
  REGIONS.map((_, index) => index),
  REGIONS.map((region) => region.weight),
);

/** Address blocks of hosting providers and proxies outside China, used by fraudsters. */
export const PROXY_BLOCKS: readonly (readonly [number, number])[] = [
  [45, 77],
  [103, 152],
  [185, 220],
  [194, 165],
  [172, 104],
];

// Built with join, which makes a flat string: the event writer reads these character by character,
// and a concatenation of 13 or more characters would be a rope that is slow to read.
export function ipInBlock(random: SimRandom, block: readonly [number, number]): string {
  return [block[0], block[1], random.int(256), 1 + random.int(254)].join('.');
}

/**
 * Surnames with approximate shares (per mille of the population) after the 2020 census rankings,
 * rounded; the long tail is folded into the listed names.
 */
export const SURNAMES: readonly (readonly [string, string, number])[] = [
  ['王', 'Wang', 71],
  ['李', 'Li', 70],
  ['张', 'Zhang', 66],
  ['刘', 'Liu', 54],
  ['陈', 'Chen', 45],
  ['杨', 'Yang', 32],
  ['黄', 'Huang', 22],
  ['赵', 'Zhao', 21],
  ['吴', 'Wu', 20],
  ['周', 'Zhou', 19],
  ['徐', 'Xu', 16],
  ['孙', 'Sun', 15],
  ['马', 'Ma', 14],
  ['朱', 'Zhu', 13],
  ['胡', 'Hu', 13],
  ['郭', 'Guo', 12],
  ['何', 'He', 12],
  ['高', 'Gao', 12],
  ['林', 'Lin', 11],
  ['罗', 'Luo', 11],
  ['郑', 'Zheng', 10],
  ['梁', 'Liang', 9],
  ['谢', 'Xie', 8],
  ['宋', 'Song', 8],
  ['唐', 'Tang', 8],
  ['许', 'Xu', 7],
  ['韩', 'Han', 7],
  ['冯', 'Feng', 7],
  ['邓', 'Deng', 7],
  ['曹', 'Cao', 7],
  ['彭', 'Peng', 6],
  ['曾', 'Zeng', 6],
  ['肖', 'Xiao', 6],
  ['田', 'Tian', 6],
  ['董', 'Dong', 5],
  ['袁', 'Yuan', 5],
  ['潘', 'Pan', 5],
  ['于', 'Yu', 5],
  ['蒋', 'Jiang', 5],
  ['蔡', 'Cai', 5],
  ['余', 'Yu', 5],
  ['杜', 'Du', 5],
  ['叶', 'Ye', 5],
  ['程', 'Cheng', 5],
  ['苏', 'Su', 4],
  ['魏', 'Wei', 4],
  ['吕', 'Lyu', 4],
  ['丁', 'Ding', 4],
  ['任', 'Ren', 4],
  ['沈', 'Shen', 4],
  ['姚', 'Yao', 4],
  ['卢', 'Lu', 4],
  ['姜', 'Jiang', 4],
  ['崔', 'Cui', 3],
  ['钟', 'Zhong', 3],
  ['谭', 'Tan', 3],
  ['陆', 'Lu', 3],
  ['汪', 'Wang', 3],
  ['范', 'Fan', 3],
  ['金', 'Jin', 3],
  ['石', 'Shi', 3],
  ['廖', 'Liao', 3],
  ['贾', 'Jia', 3],
  ['夏', 'Xia', 3],
  ['韦', 'Wei', 3],
  ['付', 'Fu', 3],
  ['方', 'Fang', 3],
  ['白', 'Bai', 3],
  ['邹', 'Zou', 3],
  ['孟', 'Meng', 3],
  ['熊', 'Xiong', 3],
  ['秦', 'Qin', 3],
  ['邱', 'Qiu', 3],
  ['江', 'Jiang', 3],
  ['尹', 'Yin', 2],
  ['薛', 'Xue', 2],
  ['闫', 'Yan', 2],
  ['段', 'Duan', 2],
  ['雷', 'Lei', 2],
  ['侯', 'Hou', 2],
  ['龙', 'Long', 2],
  ['史', 'Shi', 2],
  ['陶', 'Tao', 2],
  ['黎', 'Li', 2],
  ['贺', 'He', 2],
  ['顾', 'Gu', 2],
  ['毛', 'Mao', 2],
  ['郝', 'Hao', 2],
  ['龚', 'Gong', 2],
  ['邵', 'Shao', 2],
  ['万', 'Wan', 2],
  ['钱', 'Qian', 2],
  ['严', 'Yan', 2],
  ['覃', 'Qin', 2],
  ['武', 'Wu', 2],
  ['戴', 'Dai', 2],
  ['莫', 'Mo', 2],
  ['孔', 'Kong', 2],
  ['向', 'Xiang', 2],
  ['汤', 'Tang', 2],
  ['欧阳', 'Ouyang', 1],
  ['司马', 'Sima', 0.2],
  ['诸葛', 'Zhuge', 0.1],
];

const SURNAME_PICKER = new WeightedPicker(
  SURNAMES.map((_, index) => index),
  SURNAMES.map((entry) => entry[2]),
);

/** Given-name characters with their pinyin; men's, women's and shared, with a generation bias. */
const MALE_CHARS: readonly (readonly [string, string])[] = [
  ['伟', 'wei'],
  ['强', 'qiang'],
  ['磊', 'lei'],
  ['军', 'jun'],
  ['勇', 'yong'],
  ['杰', 'jie'],
  ['涛', 'tao'],
  ['斌', 'bin'],
  ['超', 'chao'],
  ['明', 'ming'],
  ['刚', 'gang'],
  ['平', 'ping'],
  ['辉', 'hui'],
  ['鹏', 'peng'],
  ['飞', 'fei'],
  ['鑫', 'xin'],
  ['波', 'bo'],
  ['浩', 'hao'],
  ['凯', 'kai'],
  ['健', 'jian'],
  ['俊', 'jun'],
  ['帆', 'fan'],
  ['帅', 'shuai'],
  ['旭', 'xu'],
  ['龙', 'long'],
  ['阳', 'yang'],
  ['博', 'bo'],
  ['建', 'jian'],
  ['国', 'guo'],
  ['志', 'zhi'],
  ['海', 'hai'],
  ['峰', 'feng'],
  ['昊', 'hao'],
  ['轩', 'xuan'],
  ['睿', 'rui'],
  ['泽', 'ze'],
  ['东', 'dong'],
  ['成', 'cheng'],
  ['德', 'de'],
  ['永', 'yong'],
  ['福', 'fu'],
  ['生', 'sheng'],
];
const FEMALE_CHARS: readonly (readonly [string, string])[] = [
  ['芳', 'fang'],
  ['娜', 'na'],
  ['敏', 'min'],
  ['静', 'jing'],
  ['丽', 'li'],
  ['艳', 'yan'],
  ['娟', 'juan'],
  ['霞', 'xia'],
  ['秀', 'xiu'],
  ['英', 'ying'],
  ['玲', 'ling'],
  ['燕', 'yan'],
  ['萍', 'ping'],
  ['红', 'hong'],
  ['婷', 'ting'],
  ['雪', 'xue'],
  ['琳', 'lin'],
  ['晶', 'jing'],
  ['慧', 'hui'],
  ['颖', 'ying'],
  ['倩', 'qian'],
  ['洁', 'jie'],
  ['欣', 'xin'],
  ['怡', 'yi'],
  ['梦', 'meng'],
  ['萱', 'xuan'],
  ['涵', 'han'],
  ['琪', 'qi'],
  ['诗', 'shi'],
  ['悦', 'yue'],
  ['馨', 'xin'],
  ['婉', 'wan'],
  ['蕾', 'lei'],
  ['丹', 'dan'],
  ['莉', 'li'],
  ['桂', 'gui'],
  ['兰', 'lan'],
  ['梅', 'mei'],
  ['凤', 'feng'],
  ['玉', 'yu'],
  ['珍', 'zhen'],
  ['爱', 'ai'],
];
const SHARED_CHARS: readonly (readonly [string, string])[] = [
  ['子', 'zi'],
  ['文', 'wen'],
  ['华', 'hua'],
  ['宇', 'yu'],
  ['晨', 'chen'],
  ['嘉', 'jia'],
  ['佳', 'jia'],
  ['思', 'si'],
  ['一', 'yi'],
  ['天', 'tian'],
  ['雨', 'yu'],
  ['梓', 'zi'],
  ['欣', 'xin'],
  ['安', 'an'],
  ['林', 'lin'],
  ['春', 'chun'],
  ['晓', 'xiao'],
  ['小', 'xiao'],
  ['恩', 'en'],
  ['欧', 'ou'],
];

/** Joins pinyin syllables, with the apostrophe the standard requires before a, o or e (Xi'an). */
export function joinPinyin(syllables: readonly string[]): string {
  let out = '';
  for (const syllable of syllables) {
    if (out.length > 0 && /^[aoe]/.test(syllable)) out += "'";
    out += syllable;
  }
  return out.charAt(0).toUpperCase() + out.slice(1);
}

export interface PersonName {
  readonly zh: string;
  /** Given name then surname in pinyin without tones, as on a Latin-script form: "Zixuan Wang". */
  readonly en: string;
}

export function personName(random: SimRandom, sex: 'M' | 'F', birthYear: number): PersonName {
  const [surnameZh, surnameEn] = SURNAMES[SURNAME_PICKER.pick(random)] ?? ['王', 'Wang'];
  const own = sex === 'M' ? MALE_CHARS : FEMALE_CHARS;
  // Single-character given names were common for people born before 1990; two characters since.
  const length = random.chance(birthYear < 1990 ? 0.45 : 0.15) ? 1 : 2;
  const chars: (readonly [string, string])[] = [];
  for (let i = 0; i < length; i++) {
    const pool = i === 0 && length === 2 && random.chance(0.4) ? SHARED_CHARS : own;
    let candidate = random.pick(pool);
    while (chars.length > 0 && chars[chars.length - 1]?.[0] === candidate[0] && random.chance(0.8))
      candidate = random.pick(pool);
    chars.push(candidate);
  }
  const given = joinPinyin(chars.map((c) => c[1]));
  return { zh: surnameZh + chars.map((c) => c[0]).join(''), en: `${given} ${surnameEn}` };
}

/** Mobile number prefixes of China Mobile, China Unicom, China Telecom and China Broadnet. */
export const MOBILE_PREFIXES: readonly string[] = [
  '130',
  '131',
  '132',
  '133',
  '134',
  '135',
  '136',
  '137',
  '138',
  '139',
  '145',
  '147',
  '150',
  '151',
  '152',
  '153',
  '155',
  '156',
  '157',
  '158',
  '159',
  '166',
  '170',
  '171',
  '172',
  '173',
  '175',
  '176',
  '177',
  '178',
  '180',
  '181',
  '182',
  '183',
  '184',
  '185',
  '186',
  '187',
  '188',
  '189',
  '190',
  '191',
  '192',
  '193',
  '195',
  '196',
  '197',
  '198',
  '199',
];

export function mobileNumber(random: SimRandom): string {
  return random.pick(MOBILE_PREFIXES) + String(random.int(100_000_000)).padStart(8, '0');
}

export const DEVICE_MODELS: readonly (readonly [string, string, number])[] = [
  ['Huawei Mate 60', 'HarmonyOS 4', 14],
  ['Huawei nova 12', 'HarmonyOS 4', 9],
  ['iPhone 15', 'iOS 17', 12],
  ['iPhone 13', 'iOS 17', 9],
  ['Xiaomi 14', 'Android 14', 10],
  ['Redmi Note 13', 'Android 13', 11],
  ['OPPO Reno 11', 'Android 14', 9],
  ['vivo X100', 'Android 14', 8],
  ['vivo Y78', 'Android 13', 7],
  ['Honor 90', 'Android 13', 7],
  ['OnePlus 12', 'Android 14', 3],
];

export const DEVICE_PICKER = new WeightedPicker(
  DEVICE_MODELS.map((_, index) => index),
  DEVICE_MODELS.map((model) => model[2]),
);

/** A device fingerprint id: `DV` and 12 hex digits. */
export function deviceId(random: SimRandom): string {
  return ['DV', random.u32().toString(16).padStart(8, '0'), (random.u32() & 0xffff).toString(16).padStart(4, '0')].join(
    '',
  );
}
