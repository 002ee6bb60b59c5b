// Proves graceful shutdown runs its steps once, newest first, past a failing step, and gives up on a hanging one at the timeout.
import { Shutdown } from '@zhirong/platform';
import { captureLogger } from '@zhirong/platform/testing';
import { describe, expect, it } from 'vitest';

describe('Shutdown', () => {
  it('runs the steps in reverse order of registration', async () => {
    const { logger, records } = captureLogger();
    const shutdown = new Shutdown(logger, 1000);
    const ran: string[] = [];
    for (const name of ['close database', 'stop relay', 'stop http']) {
      shutdown.add(name, async () => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        ran.push(name);
      });
    }
    await shutdown.run('SIGTERM');
    expect(ran).toEqual(['stop http', 'stop relay', 'close database']);
    expect(records[0]).toMatchObject({ msg: 'shutting down', reason: 'SIGTERM' });
    expect(records.some((r) => r.msg === 'shutdown timed out')).toBe(false);
  });

  it('logs a failing step and still runs the rest', async () => {
    const { logger, records } = captureLogger();
    const shutdown = new Shutdown(logger, 1000);
    const ran: string[] = [];
    shutdown.add('close database', async () => void ran.push('close database'));
    shutdown.add('stop relay', async () => {
      throw new Error('relay would not stop');
    });
    shutdown.add('stop http', async () => void ran.push('stop http'));
    await shutdown.run('test');
    expect(ran).toEqual(['stop http', 'close database']);
    const failure = records.find((r) => r.msg === 'shutdown step failed');
    expect(failure).toMatchObject({ level: 50, step: 'stop relay', err: { message: 'relay would not stop' } });
  });

  it('stops waiting for a hanging step at the timeout', async () => {
    const { logger, records } = captureLogger();
    const shutdown = new Shutdown(logger, 50);
    let laterStepRan = false;
    shutdown.add('close database', async () => {
      laterStepRan = true;
    });
    shutdown.add('hangs', () => new Promise<void>(() => {}));
    const started = performance.now();
    await shutdown.run('test');
    const elapsedMs = performance.now() - started;
    expect(elapsedMs).toBeGreaterThanOrEqual(45);
    expect(elapsedMs).toBeLessThan(2000);
    expect(records.find((r) => r.msg === 'shutdown timed out')).toMatchObject({ level: 40, timeoutMs: 50 });
    // The process exits after the timeout; the steps behind the hanging one never get their turn.
    expect(laterStepRan).toBe(false);
    expect(shutdown.timedOut).toBe(true);
  });

  it('runs once however often it is asked', async () => {
    const { logger, records } = captureLogger();
    const shutdown = new Shutdown(logger, 1000);
    let runs = 0;
    shutdown.add('count', async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      runs += 1;
    });
    const first = shutdown.run('SIGTERM');
    const second = shutdown.run('SIGINT');
    expect(second).toBe(first);
    await Promise.all([first, second]);
    await shutdown.run('again');
    expect(runs).toBe(1);
    expect(shutdown.timedOut).toBe(false);
    expect(records.filter((r) => r.msg === 'shutting down')).toHaveLength(1);
  });

  it('completes at once with no steps', async () => {
    const { logger } = captureLogger();
    await expect(new Shutdown(logger, 1000).run('empty')).resolves.toBeUndefined();
  });

  it('shuts down on SIGTERM or SIGINT and then exits with 0', async () => {
    const { logger } = captureLogger();
    const shutdown = new Shutdown(logger, 1000);
    let stepped = 0;
    shutdown.add('step', async () => {
      stepped += 1;
    });
    const before = { SIGTERM: process.listeners('SIGTERM'), SIGINT: process.listeners('SIGINT') };
    const exits: number[] = [];
    let exited!: () => void;
    const exitedOnce = new Promise<void>((resolve) => {
      exited = resolve;
    });
    shutdown.installSignalHandlers((code) => {
      exits.push(code);
      exited();
    });
    const added = {
      SIGTERM: process.listeners('SIGTERM').filter((l) => !before.SIGTERM.includes(l)),
      SIGINT: process.listeners('SIGINT').filter((l) => !before.SIGINT.includes(l)),
    };
    try {
      expect(added.SIGTERM).toHaveLength(1);
      expect(added.SIGINT).toHaveLength(1);
      // Call the installed listener directly: a real signal would reach the test runner too.
      (added.SIGTERM[0] as (signal: string) => void)('SIGTERM');
      await exitedOnce;
      expect(exits).toEqual([0]);
      expect(stepped).toBe(1);
    } finally {
      for (const listener of added.SIGTERM) process.removeListener('SIGTERM', listener);
      for (const listener of added.SIGINT) process.removeListener('SIGINT', listener);
    }
  });
});
