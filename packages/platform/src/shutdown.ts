import type { Logger } from './logger.ts';

/**
 * Graceful shutdown: on SIGTERM/SIGINT, run the registered steps in reverse order of registration
 * (stop taking requests → finish in-flight ones → stop relays → close the database), bounded by a
 * timeout after which the process exits anyway.
 */
export class Shutdown {
  readonly #steps: { name: string; run: () => Promise<void> }[] = [];
  #started: Promise<void> | undefined;
  #timedOut = false;

  constructor(
    private readonly logger: Logger,
    private readonly timeoutMs: number,
  ) {}

  add(name: string, run: () => Promise<void>): void {
    this.#steps.push({ name, run });
  }

  run(reason: string): Promise<void> {
    this.#started ??= (async () => {
      this.logger.info({ reason }, 'shutting down');
      const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), this.timeoutMs).unref());
      const work = (async () => {
        for (const step of [...this.#steps].reverse()) {
          try {
            await step.run();
          } catch (error) {
            this.logger.error({ err: error, step: step.name }, 'shutdown step failed');
          }
        }
      })();
      if ((await Promise.race([work.then(() => 'done' as const), timer])) === 'timeout') {
        this.#timedOut = true;
        this.logger.warn({ timeoutMs: this.timeoutMs }, 'shutdown timed out');
      }
    })();
    return this.#started;
  }

  /** True once a shutdown gave up on a step at the timeout (the process should exit non-zero). */
  get timedOut(): boolean {
    return this.#timedOut;
  }

  /** Runs the shutdown on SIGTERM and SIGINT, then exits: 0 when every step finished, 1 after a timeout. */
  installSignalHandlers(exit: (code: number) => void): void {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        void this.run(signal).then(() => exit(this.#timedOut ? 1 : 0));
      });
    }
  }
}
