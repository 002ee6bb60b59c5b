// Proves the SSRF policy: https only unless http is allowed, no credentials or fragments, private/loopback/link-local/reserved addresses refused (IPv4, IPv6, IPv4-mapped, odd IPv4 spellings), exceptions only through the allow-list, and the connect-time lookup refusing names that resolve to forbidden addresses.
import { describe, expect, it } from 'vitest';
import { guardedLookup, UrlPolicy } from './url-policy.ts';

const strictPolicy = new UrlPolicy({ allowHttp: false, allowedHosts: [] });

function refusal(policy: UrlPolicy, url: string) {
  const checked = policy.check(url);
  return checked.ok ? 'ok' : checked.code;
}

describe('UrlPolicy.check', () => {
  it.each([
    'https://partner.example.com/hooks',
    'https://partner.example.com:8443/a/b?c=d',
    'https://93.184.215.14/hooks',
    'https://[2606:4700::1111]/hooks',
  ])('accepts the public https URL %s', (url) => {
    expect(refusal(strictPolicy, url)).toBe('ok');
  });

  it.each([
    ['http://partner.example.com/hooks', 'endpoint_url_insecure'],
    ['ftp://partner.example.com/', 'endpoint_url_invalid'],
    ['not a url', 'endpoint_url_invalid'],
    ['https://user:pw@partner.example.com/', 'endpoint_url_invalid'],
    ['https://partner.example.com/#frag', 'endpoint_url_invalid'],
    [`https://partner.example.com/${'a'.repeat(2100)}`, 'endpoint_url_invalid'],
    ['https://127.0.0.1/', 'endpoint_url_forbidden'],
    ['https://127.8.9.10/', 'endpoint_url_forbidden'],
    ['https://0x7f.1/', 'endpoint_url_forbidden'],
    ['https://2130706433/', 'endpoint_url_forbidden'],
    ['https://10.1.2.3/', 'endpoint_url_forbidden'],
    ['https://172.20.0.1/', 'endpoint_url_forbidden'],
    ['https://192.168.1.1/', 'endpoint_url_forbidden'],
    ['https://169.254.169.254/latest/meta-data', 'endpoint_url_forbidden'],
    ['https://100.64.0.1/', 'endpoint_url_forbidden'],
    ['https://0.0.0.0/', 'endpoint_url_forbidden'],
    ['https://224.0.0.1/', 'endpoint_url_forbidden'],
    ['https://[::1]/', 'endpoint_url_forbidden'],
    ['https://[::]/', 'endpoint_url_forbidden'],
    ['https://[fd00::1]/', 'endpoint_url_forbidden'],
    ['https://[fe80::1]/', 'endpoint_url_forbidden'],
    ['https://[::ffff:127.0.0.1]/', 'endpoint_url_forbidden'],
    ['https://[::ffff:a9fe:a9fe]/', 'endpoint_url_forbidden'],
    ['https://localhost/', 'endpoint_url_forbidden'],
    ['https://api.localhost/', 'endpoint_url_forbidden'],
    ['https://intranet/', 'endpoint_url_forbidden'],
  ])('refuses %s with %s', (url, code) => {
    expect(refusal(strictPolicy, url)).toBe(code);
  });

  it('allows http only when configured, and private hosts only when listed', () => {
    const dev = new UrlPolicy({ allowHttp: true, allowedHosts: ['127.0.0.1', 'localhost', '10.20.0.0/16', '::1'] });
    expect(refusal(dev, 'http://127.0.0.1:8080/hooks')).toBe('ok');
    expect(refusal(dev, 'http://localhost:8080/hooks')).toBe('ok');
    expect(refusal(dev, 'http://10.20.3.4/hooks')).toBe('ok');
    expect(refusal(dev, 'http://[::1]:9000/')).toBe('ok');
    expect(refusal(dev, 'http://10.21.0.1/')).toBe('endpoint_url_forbidden');
    expect(refusal(dev, 'http://127.0.0.2/')).toBe('endpoint_url_forbidden');
    expect(refusal(dev, 'http://api.localhost/')).toBe('endpoint_url_forbidden');
  });

  it('rejects an allow-list entry that is not a valid CIDR', () => {
    expect(() => new UrlPolicy({ allowHttp: false, allowedHosts: ['10.0.0.0/33'] })).toThrow(/CIDR/);
    expect(() => new UrlPolicy({ allowHttp: false, allowedHosts: ['nonsense/8'] })).toThrow(/CIDR/);
  });
});

describe('guardedLookup', () => {
  const resolver = async (host: string) =>
    host === 'rebind.example'
      ? [{ address: '10.0.0.7', family: 4 }]
      : host === 'mixed.example'
        ? [
            { address: '192.168.0.9', family: 4 },
            { address: '93.184.215.14', family: 4 },
          ]
        : [{ address: '93.184.215.14', family: 4 }];

  function lookup(policy: UrlPolicy, host: string, all: boolean) {
    return new Promise<{ error: Error | null; address: unknown }>((resolve) => {
      guardedLookup(policy, resolver)(host, { all }, (error, address) => resolve({ error, address }));
    });
  }

  it('refuses a name that resolves only to private addresses (DNS rebinding)', async () => {
    const refused = await lookup(strictPolicy, 'rebind.example', true);
    expect(refused.error?.message).toContain('10.0.0.7');
    expect((refused.error as { code?: string }).code).toBe('ZR_ADDRESS_FORBIDDEN');
    expect((await lookup(strictPolicy, 'rebind.example', false)).error).not.toBeNull();
  });

  it('hands the socket only the allowed addresses, in both lookup forms', async () => {
    expect(await lookup(strictPolicy, 'mixed.example', true)).toEqual({
      error: null,
      address: [{ address: '93.184.215.14', family: 4 }],
    });
    expect(await lookup(strictPolicy, 'mixed.example', false)).toEqual({ error: null, address: '93.184.215.14' });
  });

  it('lets an allow-listed name through whatever it resolves to', async () => {
    const policy = new UrlPolicy({ allowHttp: false, allowedHosts: ['rebind.example'] });
    expect((await lookup(policy, 'rebind.example', false)).address).toBe('10.0.0.7');
  });
});
