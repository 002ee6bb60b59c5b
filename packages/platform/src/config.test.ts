// Proves loadConfig applies defaults, lists every bad or unknown key in one ConfigError, ignores test-only keys, freezes its result, and that redaction hides database passwords.
import { type CONFIG_KEYS, type Config, ConfigError, loadConfig, redactedConfig, redactUrl } from '@zhirong/platform';
import { describe, expect, it } from 'vitest';

const CWD = '/srv/zhirong';
const KEY32 = Buffer.alloc(32, 7).toString('base64');

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env, CWD);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('fills every setting with its default from an empty environment', () => {
    expect(loadConfig({}, CWD)).toEqual({
      databaseUrl: undefined,
      dataDir: '/srv/zhirong/.zhirong',
      host: '127.0.0.1',
      port: 8080,
      logLevel: 'info',
      dbPoolSize: 16,
      bodyLimitBytes: 8 * 1024 * 1024,
      rateLimitPerMinute: 600_000,
      shutdownTimeoutMs: 10_000,
      timeZone: 'Asia/Shanghai',
      demo: false,
      outboxPollMs: 250,
      webhooksSecretKey: undefined,
      webhooksAllowHttp: false,
      webhooksAllowedHosts: [],
      webhooksAttemptsMax: 12,
      webhooksTimeoutMs: 10_000,
      chainHeadIntervalMs: 1000,
      chainKeyFile: '/srv/zhirong/.zhirong/chain-log.key',
      chainWitnessQuorum: 1,
      scfSettleIntervalMs: 60_000,
      riskRedisUrl: undefined,
      riskCaseSlaMinutes: 240,
    } satisfies Config);
  });

  it('reads every setting it documents', () => {
    const config = loadConfig(
      {
        DATABASE_URL: 'postgresql://zr:pw@db.internal:5432/zhirong',
        ZHIRONG_DATA_DIR: '/var/lib/zhirong',
        ZHIRONG_HOST: '0.0.0.0',
        ZHIRONG_PORT: '3000',
        ZHIRONG_LOG_LEVEL: 'debug',
        ZHIRONG_DB_POOL_SIZE: '4',
        ZHIRONG_BODY_LIMIT_BYTES: '1024',
        ZHIRONG_RATE_LIMIT_PER_MINUTE: '60',
        ZHIRONG_SHUTDOWN_TIMEOUT_MS: '0',
        ZHIRONG_TIMEZONE: 'Europe/London',
        ZHIRONG_DEMO: 'yes',
        ZHIRONG_OUTBOX_POLL_MS: '10',
        ZHIRONG_WEBHOOKS_SECRET_KEY: KEY32,
        ZHIRONG_WEBHOOKS_ALLOW_HTTP: 'true',
        ZHIRONG_WEBHOOKS_ALLOWED_HOSTS: ' 127.0.0.1, Receiver.Local ,10.0.0.0/8,',
        ZHIRONG_WEBHOOKS_ATTEMPTS_MAX: '3',
        ZHIRONG_WEBHOOKS_TIMEOUT_MS: '500',
        ZHIRONG_CHAIN_HEAD_INTERVAL_MS: '500',
        ZHIRONG_CHAIN_KEY_FILE: 'keys/log.key',
        ZHIRONG_CHAIN_WITNESS_QUORUM: '2',
        ZHIRONG_SCF_SETTLE_INTERVAL_MS: '1000',
        ZHIRONG_RISK_REDIS_URL: 'redis://:hunter2@cache.internal:6379/0',
        ZHIRONG_RISK_CASE_SLA_MINUTES: '60',
      } satisfies Record<keyof typeof CONFIG_KEYS, string>,
      CWD,
    );
    expect(config).toEqual({
      databaseUrl: 'postgresql://zr:pw@db.internal:5432/zhirong',
      dataDir: '/var/lib/zhirong',
      host: '0.0.0.0',
      port: 3000,
      logLevel: 'debug',
      dbPoolSize: 4,
      bodyLimitBytes: 1024,
      rateLimitPerMinute: 60,
      shutdownTimeoutMs: 0,
      timeZone: 'Europe/London',
      demo: true,
      outboxPollMs: 10,
      webhooksSecretKey: KEY32,
      webhooksAllowHttp: true,
      webhooksAllowedHosts: ['127.0.0.1', 'receiver.local', '10.0.0.0/8'],
      webhooksAttemptsMax: 3,
      webhooksTimeoutMs: 500,
      chainHeadIntervalMs: 500,
      chainKeyFile: '/srv/zhirong/keys/log.key',
      chainWitnessQuorum: 2,
      scfSettleIntervalMs: 1000,
      riskRedisUrl: 'redis://:hunter2@cache.internal:6379/0',
      riskCaseSlaMinutes: 60,
    } satisfies Config);
  });

  it('resolves a relative data directory against the working directory', () => {
    expect(loadConfig({ ZHIRONG_DATA_DIR: 'data/db' }, CWD).dataDir).toBe('/srv/zhirong/data/db');
    expect(loadConfig({ ZHIRONG_DATA_DIR: '../shared' }, CWD).dataDir).toBe('/srv/shared');
  });

  it.each([
    ['true', true],
    ['1', true],
    ['yes', true],
    ['false', false],
    ['0', false],
    ['no', false],
  ])('reads ZHIRONG_DEMO=%s as %s', (value, expected) => {
    expect(loadConfig({ ZHIRONG_DEMO: value }, CWD).demo).toBe(expected);
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig({ ZHIRONG_PORT: '', DATABASE_URL: '', ZHIRONG_TYPO: '' }, CWD)).toEqual(loadConfig({}, CWD));
  });

  it('lists every bad key in one error', () => {
    const error = configError({
      ZHIRONG_PORT: 'eighty',
      ZHIRONG_LOG_LEVEL: 'loud',
      DATABASE_URL: 'mysql://root@localhost/zhirong',
    });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.name).toBe('ConfigError');
    expect(error.issues.map((i) => i.key).sort()).toEqual(['DATABASE_URL', 'ZHIRONG_LOG_LEVEL', 'ZHIRONG_PORT']);
    for (const key of ['ZHIRONG_PORT', 'ZHIRONG_LOG_LEVEL', 'DATABASE_URL']) expect(error.message).toContain(key);
    expect(error.message).toContain('must start with postgres:// or postgresql://');
    expect(error.message).toContain('must be a whole number');
  });

  it.each([
    ['ZHIRONG_PORT', '65536'],
    ['ZHIRONG_PORT', '-1'],
    ['ZHIRONG_PORT', '80.5'],
    ['ZHIRONG_DB_POOL_SIZE', '0'],
    ['ZHIRONG_DB_POOL_SIZE', '201'],
    ['ZHIRONG_BODY_LIMIT_BYTES', '1023'],
    ['ZHIRONG_OUTBOX_POLL_MS', '9'],
    ['ZHIRONG_SHUTDOWN_TIMEOUT_MS', '600001'],
    ['ZHIRONG_TIMEZONE', 'Mars/Olympus_Mons'],
    ['ZHIRONG_DEMO', 'maybe'],
    ['ZHIRONG_LOG_LEVEL', 'INFO'],
    ['DATABASE_URL', 'postgres:/missing-slash'],
    ['ZHIRONG_WEBHOOKS_SECRET_KEY', Buffer.alloc(16, 7).toString('base64')],
    ['ZHIRONG_WEBHOOKS_SECRET_KEY', 'not base64!'],
    ['ZHIRONG_WEBHOOKS_ALLOWED_HOSTS', 'ok.example, bad host'],
    ['ZHIRONG_WEBHOOKS_ATTEMPTS_MAX', '0'],
    ['ZHIRONG_WEBHOOKS_TIMEOUT_MS', '99'],
  ])('rejects %s=%s', (key, value) => {
    expect(configError({ [key]: value }).issues.map((i) => i.key)).toEqual([key]);
  });

  it('accepts both PostgreSQL URL schemes', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://h/db' }, CWD).databaseUrl).toBe('postgres://h/db');
    expect(loadConfig({ DATABASE_URL: 'postgresql://h/db' }, CWD).databaseUrl).toBe('postgresql://h/db');
  });

  it('rejects an unknown ZHIRONG_ key, together with any other bad key', () => {
    const error = configError({ ZHIRONG_PROT: '8080', ZHIRONG_PORT: 'x' });
    expect(error.issues).toContainEqual({ key: 'ZHIRONG_PROT', message: 'unknown setting' });
    expect(error.issues.map((i) => i.key).sort()).toEqual(['ZHIRONG_PORT', 'ZHIRONG_PROT']);
    expect(error.message).toContain('ZHIRONG_PROT: unknown setting');
  });

  it('ignores ZHIRONG_TEST_ keys and the rest of the environment', () => {
    const config = loadConfig(
      {
        ZHIRONG_TEST_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
        ZHIRONG_TEST_ANYTHING: 'x',
        PATH: '/usr/bin',
        HOME: '/root',
        PORT: 'not-a-number',
        constructor: 'x',
        toString: 'x',
      },
      CWD,
    );
    expect(config).toEqual(loadConfig({}, CWD));
  });

  it('returns a frozen object', () => {
    const config = loadConfig({}, CWD);
    expect(Object.isFrozen(config)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(config.port).toBe(8080);
  });
});

describe('redactedConfig', () => {
  it('masks the password of DATABASE_URL and keeps everything else', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://zr:s3cr3t-pw@db.internal:5432/zhirong' }, CWD);
    const shown = redactedConfig(config);
    expect(shown.databaseUrl).toBe('postgres://zr:***@db.internal:5432/zhirong');
    expect(JSON.stringify(shown)).not.toContain('s3cr3t-pw');
    expect(shown).toEqual({ ...config, databaseUrl: 'postgres://zr:***@db.internal:5432/zhirong' });
    expect(config.databaseUrl).toContain('s3cr3t-pw');
  });

  it("masks the password of the risk engine's Redis URL", () => {
    const config = loadConfig({ ZHIRONG_RISK_REDIS_URL: 'redis://:r3dis-pw@cache.internal:6379/0' }, CWD);
    const shown = redactedConfig(config);
    expect(JSON.stringify(shown)).not.toContain('r3dis-pw');
    expect(config.riskRedisUrl).toContain('r3dis-pw');
  });

  it('masks the webhook secret-encryption key', () => {
    const config = loadConfig({ ZHIRONG_WEBHOOKS_SECRET_KEY: KEY32 }, CWD);
    const shown = redactedConfig(config);
    expect(shown.webhooksSecretKey).toBe('***');
    expect(JSON.stringify(shown)).not.toContain(KEY32);
    expect(config.webhooksSecretKey).toBe(KEY32);
  });

  it('masks a password given as a query parameter, which node-postgres accepts too', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://zr@db/zhirong?sslmode=require&password=s3cr3t-pw' }, CWD);
    const shown = String(redactedConfig(config).databaseUrl);
    expect(shown).not.toContain('s3cr3t-pw');
    expect(shown).toContain('sslmode=require');
  });

  it('leaves a URL without secrets and an unset URL as they are', () => {
    expect(redactedConfig(loadConfig({ DATABASE_URL: 'postgres://zr@db/zhirong' }, CWD)).databaseUrl).toBe(
      'postgres://zr@db/zhirong',
    );
    expect(redactedConfig(loadConfig({}, CWD)).databaseUrl).toBeUndefined();
  });

  it('hides a URL it cannot parse entirely', () => {
    expect(redactUrl('postgres://zr:pw@[not-a-host')).toBe('***');
  });
});
