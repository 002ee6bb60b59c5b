import { readFileSync } from 'node:fs';
import { WitnessNode } from '@zhirong/chain';
import { cryptoRng, systemClock } from '@zhirong/kernel';
import { createLogger, Shutdown } from '@zhirong/platform';
import { configFromEnv, fail } from '../context.ts';

/**
 * `zhirong serve --role witness`: a witness node with its own data directory (ZHIRONG_DATA_DIR:
 * its key and state) that watches another institution's evidence log, co-signs consistent heads
 * and raises a fork alarm on inconsistent ones. It serves its state on ZHIRONG_HOST:ZHIRONG_PORT.
 */
export async function serveWitness(opts: Record<string, unknown>): Promise<void> {
  const config = configFromEnv({
    ...(opts.port !== undefined ? { ZHIRONG_PORT: String(opts.port) } : {}),
    ...(opts.host !== undefined ? { ZHIRONG_HOST: String(opts.host) } : {}),
  });
  for (const required of ['logUrl', 'logPublicKey', 'logApiKeyFile'] as const) {
    if (typeof opts[required] !== 'string') {
      fail(`--role witness needs --${required.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
    }
  }
  const pollMs = Number(opts.pollMs);
  if (!Number.isInteger(pollMs) || pollMs < 10 || pollMs > 3_600_000)
    fail('--poll-ms must be a whole number from 10 to 3600000');
  let apiKey: string;
  try {
    apiKey = readFileSync(String(opts.logApiKeyFile), 'utf8').trim();
  } catch (error) {
    fail(`cannot read --log-api-key-file: ${(error as Error).message}`);
  }
  const logger = createLogger({ level: config.logLevel });
  let node: WitnessNode;
  try {
    node = new WitnessNode({
      dataDir: config.dataDir,
      logUrl: String(opts.logUrl),
      logPublicKey: String(opts.logPublicKey),
      apiKey,
      pollMs,
      clock: systemClock,
      rng: cryptoRng,
      logger,
    });
  } catch (error) {
    fail(`cannot start the witness: ${(error as Error).message}`);
  }
  const address = await node.listen(config.host, config.port);
  node.start();
  logger.info({ address, publicKey: node.publicKey, log: opts.logUrl }, 'zhirong witness listening');
  const shutdown = new Shutdown(logger, config.shutdownTimeoutMs);
  shutdown.add('witness', () => node.stop());
  shutdown.installSignalHandlers((code) => process.exit(code));
}
