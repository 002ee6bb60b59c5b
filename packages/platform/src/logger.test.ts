// Proves the platform logger never writes a secret — authorization headers, passwords, API keys, database URLs — and keeps the rest of a record.
import { createLogger } from '@zhirong/platform';
import { captureLogger } from '@zhirong/platform/testing';
import { describe, expect, it } from 'vitest';

describe('createLogger', () => {
  it('censors every secret of a request and a configuration', () => {
    const { logger, lines, records } = captureLogger('info');
    logger.info(
      {
        req: { method: 'POST', url: '/v1/ledger/transfers', headers: { authorization: 'Bearer x', host: 'api' } },
        password: 'p',
        apiKey: 'k',
        config: { databaseUrl: 'postgres://u:secret@h/db', port: 8080 },
      },
      'request received',
    );
    expect(lines).toHaveLength(1);
    const line = lines[0] ?? '';
    expect(line).not.toContain('Bearer x');
    expect(line).not.toContain('secret');
    expect(line).not.toContain('postgres://');
    expect(line).not.toMatch(/"p"|"k"/);
    expect(records[0]).toMatchObject({
      msg: 'request received',
      req: { method: 'POST', url: '/v1/ledger/transfers', headers: { authorization: '[redacted]', host: 'api' } },
      password: '[redacted]',
      apiKey: '[redacted]',
      config: { databaseUrl: '[redacted]', port: 8080 },
    });
  });

  it('censors cookies, API-key headers, set-cookie, tokens and secrets one level down', () => {
    const { logger, lines, records } = captureLogger('info');
    logger.info({
      req: { headers: { cookie: 'session=c00kie', 'x-api-key': 'zr_live_key' } },
      res: { headers: { 'set-cookie': 'session=s3t' } },
      token: 'tok-top',
      secret: 'sec-top',
      databaseUrl: 'postgres://u:pw-top@h/db',
      client: { token: 'tok-nested', secret: 'sec-nested', apiKey: 'key-nested', password: 'pw-nested' },
      upstream: { authorization: 'Basic dXNlcjpwdw==' },
    });
    const line = lines[0] ?? '';
    for (const secret of [
      'c00kie',
      'zr_live_key',
      's3t',
      'tok-top',
      'sec-top',
      'pw-top',
      'tok-nested',
      'sec-nested',
      'key-nested',
      'pw-nested',
      'dXNlcjpwdw==',
    ]) {
      expect(line).not.toContain(secret);
    }
    expect(records[0]).toMatchObject({
      req: { headers: { cookie: '[redacted]', 'x-api-key': '[redacted]' } },
      client: { token: '[redacted]', password: '[redacted]' },
      upstream: { authorization: '[redacted]' },
    });
  });

  it('leaves the logged object itself untouched', () => {
    const { logger } = captureLogger('info');
    const fields = { password: 'p', nested: { apiKey: 'k' } };
    logger.info(fields);
    expect(fields).toEqual({ password: 'p', nested: { apiKey: 'k' } });
  });

  it('serialises errors with type, message and stack', () => {
    const { logger, records } = captureLogger('info');
    logger.error({ err: new TypeError('boom') }, 'failed');
    expect(records[0]).toMatchObject({ level: 50, msg: 'failed', err: { type: 'TypeError', message: 'boom' } });
    expect(String((records[0]?.err as { stack?: string } | undefined)?.stack)).toContain('TypeError: boom');
  });

  it('writes records at or above its level, named zhirong unless told otherwise', () => {
    const { logger, records } = captureLogger('warn');
    logger.info('hidden');
    logger.debug('hidden');
    logger.warn('shown');
    logger.error('shown too');
    expect(records.map((r) => [r.level, r.msg])).toEqual([
      [40, 'shown'],
      [50, 'shown too'],
    ]);
    expect(records[0]?.name).toBe('zhirong');

    const lines: string[] = [];
    const named = createLogger({ level: 'info', name: 'ledger' }, { write: (line: string) => void lines.push(line) });
    named.info('hello');
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ name: 'ledger', msg: 'hello' });
  });

  it('censors secrets in child-logger bindings too', () => {
    const { logger, lines } = captureLogger('info');
    logger.child({ apiKey: 'bound-key' }).info({ password: 'pw' }, 'child');
    expect(lines[0]).not.toContain('bound-key');
    expect(lines[0]).not.toContain('"pw"');
  });

  it('writes nothing when silent', () => {
    const { logger, lines } = captureLogger('silent');
    logger.fatal('nothing');
    expect(lines).toEqual([]);
  });
});
