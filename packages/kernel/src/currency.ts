/**
 * ISO 4217 currencies: alphabetic code, numeric code, minor-unit exponent.
 * The exponent fixes how many minor units make one major unit (CNY 2, JPY 0, KWD 3).
 */
export type CurrencyCode = string & { readonly __brand: 'CurrencyCode' };

export interface Currency {
  readonly code: CurrencyCode;
  /** ISO 4217 numeric code, three digits (used by EMVCo QR and ISO 8583). */
  readonly numeric: string;
  /** Number of decimal digits of the minor unit. */
  readonly exponent: number;
  readonly name: string;
}

// [code, numeric, exponent, English name] — ISO 4217 list (active codes).
const TABLE: ReadonlyArray<readonly [string, string, number, string]> = [
  ['AED', '784', 2, 'UAE Dirham'],
  ['AUD', '036', 2, 'Australian Dollar'],
  ['BHD', '048', 3, 'Bahraini Dinar'],
  ['BRL', '986', 2, 'Brazilian Real'],
  ['CAD', '124', 2, 'Canadian Dollar'],
  ['CHF', '756', 2, 'Swiss Franc'],
  ['CLP', '152', 0, 'Chilean Peso'],
  ['CNY', '156', 2, 'Yuan Renminbi'],
  ['CZK', '203', 2, 'Czech Koruna'],
  ['DKK', '208', 2, 'Danish Krone'],
  ['EUR', '978', 2, 'Euro'],
  ['GBP', '826', 2, 'Pound Sterling'],
  ['HKD', '344', 2, 'Hong Kong Dollar'],
  ['HUF', '348', 2, 'Forint'],
  ['IDR', '360', 2, 'Rupiah'],
  ['ILS', '376', 2, 'New Israeli Sheqel'],
  ['INR', '356', 2, 'Indian Rupee'],
  ['IQD', '368', 3, 'Iraqi Dinar'],
  ['ISK', '352', 0, 'Iceland Krona'],
  ['JOD', '400', 3, 'Jordanian Dinar'],
  ['JPY', '392', 0, 'Yen'],
  ['KRW', '410', 0, 'Won'],
  ['KWD', '414', 3, 'Kuwaiti Dinar'],
  ['KZT', '398', 2, 'Tenge'],
  ['LYD', '434', 3, 'Libyan Dinar'],
  ['MOP', '446', 2, 'Pataca'],
  ['MXN', '484', 2, 'Mexican Peso'],
  ['MYR', '458', 2, 'Malaysian Ringgit'],
  ['NOK', '578', 2, 'Norwegian Krone'],
  ['NZD', '554', 2, 'New Zealand Dollar'],
  ['OMR', '512', 3, 'Rial Omani'],
  ['PHP', '608', 2, 'Philippine Peso'],
  ['PKR', '586', 2, 'Pakistan Rupee'],
  ['PLN', '985', 2, 'Zloty'],
  ['QAR', '634', 2, 'Qatari Rial'],
  ['RUB', '643', 2, 'Russian Ruble'],
  ['SAR', '682', 2, 'Saudi Riyal'],
  ['SEK', '752', 2, 'Swedish Krona'],
  ['SGD', '702', 2, 'Singapore Dollar'],
  ['THB', '764', 2, 'Baht'],
  ['TND', '788', 3, 'Tunisian Dinar'],
  ['TRY', '949', 2, 'Turkish Lira'],
  ['TWD', '901', 2, 'New Taiwan Dollar'],
  ['UGX', '800', 0, 'Uganda Shilling'],
  ['USD', '840', 2, 'US Dollar'],
  ['VND', '704', 0, 'Dong'],
  ['XAF', '950', 0, 'CFA Franc BEAC'],
  ['XOF', '952', 0, 'CFA Franc BCEAO'],
  ['ZAR', '710', 2, 'Rand'],
];

const BY_CODE: ReadonlyMap<string, Currency> = new Map(
  TABLE.map(([code, numeric, exponent, name]) => [
    code,
    Object.freeze({ code: code as CurrencyCode, numeric, exponent, name }),
  ]),
);
const BY_NUMERIC: ReadonlyMap<string, Currency> = new Map([...BY_CODE.values()].map((c) => [c.numeric, c]));

/** Looks up a currency by its alphabetic code (exact, upper case). */
export function findCurrency(code: string): Currency | undefined {
  return BY_CODE.get(code);
}

/** Looks up a currency by its ISO 4217 numeric code ("156" → CNY). */
export function findCurrencyByNumeric(numeric: string): Currency | undefined {
  return BY_NUMERIC.get(numeric);
}

export function isCurrencyCode(code: string): code is CurrencyCode {
  return BY_CODE.has(code);
}

export function allCurrencies(): readonly Currency[] {
  return [...BY_CODE.values()];
}
