// Proves the EMV merchant-presented QR codec: the CRC-16/CCITT-FALSE check value, published payloads (EMVCo's own example with Chinese text, Indonesia's QRIS, Brazil's Pix), round trips of generated codes, and precise errors (position and tag) for bad CRCs and malformed TLV.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildMerchantQr, crc16CcittFalse, emvCrc, parseMerchantQr, QrBuildError } from './qr.ts';

// The example payload of the EMV QRCPS merchant-presented mode specification (v1.1, appendix), CRC A13A.
const EMVCO_EXAMPLE =
  '00020101021229300012D156000000000510A93FO3230Q31280012D15600000001030812345678520441115802CN5914BEST TRANSPORT6007BEIJING64200002ZH0104最佳运输0202北京540523.7253031565502016233030412340603***0708A60086670902ME91320016A0112233449988770708123456786304A13A';
// A QRIS (Indonesia) merchant payload as published with Xendit's QRIS documentation examples.
const QRIS_EXAMPLE =
  '00020101021226570011ID.DANA.WWW011893600915015706056102091570605610303UME51440014ID.CO.QRIS.WWW0215ID20210807329890303UME5204893153033605405100005802ID5906XENDIT6015Kota Jakarta Se61051219062720115SzW8BPHhw35i1vT60490011ID.DANA.WWW0425MER2021071400774509608641050116304B00A';
// The static Pix example of the Banco Central do Brasil's "Manual de Padrões para Iniciação do Pix".
const PIX_EXAMPLE =
  '00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D';

const encode = (text: string) => new TextEncoder().encode(text);

describe('CRC-16/CCITT-FALSE', () => {
  it('has the catalogued check value 0x29B1 for "123456789"', () => {
    expect(crc16CcittFalse(encode('123456789'))).toBe(0x29b1);
    expect(crc16CcittFalse(encode(''))).toBe(0xffff);
  });

  it('gives the published CRC of the EMVCo example, computed over UTF-8 bytes including "6304"', () => {
    expect(emvCrc(EMVCO_EXAMPLE.slice(0, -4))).toBe('A13A');
  });
});

describe('parseMerchantQr on published payloads', () => {
  it('decodes the EMVCo specification example, counting lengths in characters', () => {
    const parsed = parseMerchantQr(EMVCO_EXAMPLE);
    if (!parsed.ok) throw new Error(parsed.error.message);
    const qr = parsed.qr;
    expect(qr.pointOfInitiation).toBe('dynamic');
    expect(qr.merchantAccounts.map((a) => [a.tag, a.guid])).toEqual([
      ['29', 'D15600000000'],
      ['31', 'D15600000001'],
    ]);
    expect(qr.merchantAccounts[0]?.fields['05']).toBe('A93FO3230Q');
    expect(qr).toMatchObject({
      merchantCategoryCode: '4111',
      currency: 'CNY',
      currencyNumeric: '156',
      amountMinor: 2372n,
      tipIndicator: '01',
      countryCode: 'CN',
      merchantName: 'BEST TRANSPORT',
      merchantCity: 'BEIJING',
      crc: 'A13A',
      alternateLanguage: { language: 'ZH', merchantName: '最佳运输', merchantCity: '北京' },
      additionalData: {
        storeLabel: '1234',
        customerLabel: '***',
        terminalLabel: 'A6008667',
        additionalConsumerDataRequest: 'ME',
      },
    });
    // The unreserved template 91 is kept as read.
    expect(qr.objects.find((o) => o.tag === '91')?.children?.map((c) => c.tag)).toEqual(['00', '07']);
  });

  it('decodes a QRIS payload with two merchant account templates', () => {
    const parsed = parseMerchantQr(QRIS_EXAMPLE);
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(parsed.qr).toMatchObject({
      currency: 'IDR',
      amountMinor: 1000000n,
      merchantName: 'XENDIT',
      countryCode: 'ID',
    });
    expect(parsed.qr.merchantAccounts.map((a) => a.guid)).toEqual(['ID.DANA.WWW', 'ID.CO.QRIS.WWW']);
  });

  it('decodes the static Pix example (no amount)', () => {
    const parsed = parseMerchantQr(PIX_EXAMPLE);
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(parsed.qr.amountMinor).toBeUndefined();
    expect(parsed.qr).toMatchObject({ currency: 'BRL', merchantName: 'Fulano de Tal', merchantCity: 'BRASILIA' });
    expect(parsed.qr.merchantAccounts[0]?.guid).toBe('br.gov.bcb.pix');
  });
});

describe('parseMerchantQr errors', () => {
  it('rejects a wrong CRC, saying where and what it should be', () => {
    const tampered = EMVCO_EXAMPLE.replace('540523.72', '540523.73');
    const parsed = parseMerchantQr(tampered);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error).toMatchObject({
      code: 'qr_crc_mismatch',
      tag: '63',
      position: Array.from(tampered).length - 4,
    });
    expect(parsed.error.message).toContain('A13A');
  });

  it('reports a length running past the end with the position of the length and the tag', () => {
    const parsed = parseMerchantQr('000201010211529941115802CN');
    expect(parsed).toMatchObject({ ok: false, error: { code: 'qr_tlv_malformed', tag: '52', position: 14 } });
  });

  it('reports a non-numeric ID or length at its position', () => {
    expect(parseMerchantQr('0002010A0211')).toMatchObject({
      ok: false,
      error: { code: 'qr_tlv_malformed', position: 6 },
    });
    expect(parseMerchantQr('00020101X111')).toMatchObject({
      ok: false,
      error: { code: 'qr_tlv_malformed', position: 8, tag: '01' },
    });
  });

  it('reports a malformed sub-object inside a template with its dotted tag', () => {
    const body = '000201' + '26080012ABCD' + '52045411530315658' + '02CN5902AB6002SH6304';
    const parsed = parseMerchantQr(body + emvCrc(body));
    expect(parsed).toMatchObject({ ok: false, error: { code: 'qr_tlv_malformed', tag: '26.00', position: 12 } });
  });

  it('rejects a missing CRC, a missing required object, a duplicate and bad field values', () => {
    expect(parseMerchantQr('000201')).toMatchObject({ ok: false, error: { code: 'qr_crc_missing' } });
    const withCrc = (body: string) => `${body}6304${emvCrc(`${body}6304`)}`;
    const noName = withCrc('00020126150011dev.zhirong5204541153031565802CN6002SH');
    expect(parseMerchantQr(noName)).toMatchObject({ ok: false, error: { code: 'qr_field_missing', tag: '59' } });
    const duplicate = withCrc('00020126150011dev.zhirong520454115204541153031565802CN5902AB6002SH');
    expect(parseMerchantQr(duplicate)).toMatchObject({
      ok: false,
      error: { code: 'qr_tag_duplicate', tag: '52', position: 33 },
    });
    const badCurrency = withCrc('00020126150011dev.zhirong5204541153039995802CN5902AB6002SH');
    expect(parseMerchantQr(badCurrency)).toMatchObject({
      ok: false,
      error: { code: 'qr_field_invalid', tag: '53', position: 33 },
    });
    const badAmount = withCrc('00020126150011dev.zhirong5204541153031565405-1.005802CN5902AB6002SH');
    expect(parseMerchantQr(badAmount)).toMatchObject({ ok: false, error: { code: 'qr_field_invalid', tag: '54' } });
    const notFirst = withCrc('01021100020126150011dev.zhirong5204541153031565802CN5902AB6002SH');
    expect(parseMerchantQr(notFirst)).toMatchObject({ ok: false, error: { code: 'qr_field_missing', tag: '00' } });
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const parsed = parseMerchantQr(text);
        expect(typeof parsed.ok).toBe('boolean');
      }),
    );
  });
});

describe('buildMerchantQr', () => {
  const ascii = (max: number) => fc.string({ minLength: 1, maxLength: max }).filter((s) => /^[\x20-\x7e]+$/.test(s));

  it('round-trips any valid merchant data through parse', () => {
    fc.assert(
      fc.property(
        ascii(25),
        ascii(15),
        fc.option(fc.bigInt({ min: 1n, max: 9_999_999_999n }), { nil: undefined }),
        fc.constantFrom('CNY', 'JPY', 'USD', 'KWD'),
        fc.option(ascii(25), { nil: undefined }),
        (name, city, amountMinor, currency, reference) => {
          const payload = buildMerchantQr({
            merchantAccount: { guid: 'dev.zhirong.pay', fields: { '01': 'mch_01jdz3k8m6f0v8s4d2qf3a9b7c' } },
            merchantCategoryCode: '5812',
            currency,
            ...(amountMinor === undefined ? {} : { amountMinor }),
            countryCode: 'CN',
            merchantName: name,
            merchantCity: city,
            ...(reference ? { additionalData: { referenceLabel: reference } } : {}),
            alternateLanguage: { language: 'ZH', merchantName: '测试商户' },
          });
          const parsed = parseMerchantQr(payload);
          if (!parsed.ok) throw new Error(`${parsed.error.message} in ${payload}`);
          expect(parsed.qr).toMatchObject({
            merchantName: name,
            merchantCity: city,
            currency,
            merchantCategoryCode: '5812',
          });
          expect(parsed.qr.amountMinor).toBe(amountMinor);
          expect(parsed.qr.pointOfInitiation).toBe(amountMinor === undefined ? 'static' : 'dynamic');
          expect(parsed.qr.additionalData?.referenceLabel).toBe(reference);
          expect(parsed.qr.merchantAccounts[0]?.fields['01']).toBe('mch_01jdz3k8m6f0v8s4d2qf3a9b7c');
          // Any single-character change is caught by the CRC or the TLV structure.
          const chars = Array.from(payload);
          const at = chars.length - 10;
          chars[at] = chars[at] === 'X' ? 'Y' : 'X';
          expect(parseMerchantQr(chars.join('')).ok).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses input it cannot encode, naming the data object', () => {
    const base = {
      merchantAccount: { guid: 'dev.zhirong.pay' },
      merchantCategoryCode: '5812',
      currency: 'CNY',
      countryCode: 'CN',
      merchantName: 'SHOP',
      merchantCity: 'SHANGHAI',
    };
    expect(() => buildMerchantQr({ ...base, merchantName: 'X'.repeat(26) })).toThrow(QrBuildError);
    expect(() => buildMerchantQr({ ...base, currency: 'XXX' })).toThrow(/unknown currency/);
    expect(() => buildMerchantQr({ ...base, amountMinor: 0n })).toThrow(/positive/);
    try {
      buildMerchantQr({ ...base, merchantCategoryCode: '58' });
    } catch (error) {
      expect((error as QrBuildError).tag).toBe('52');
    }
  });
});
