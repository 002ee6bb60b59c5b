// Proves the console meets the size budget: the JavaScript of the first page load (the shell) is at most 300 KiB gzipped, and each area's pages are separate chunks loaded on first visit.
import { describe, expect, it } from 'vitest';
import { ensureConsoleBuilt, SHELL_GZIP_BYTES_MAX } from '../../../tools/build-console.ts';

describe('console bundle', () => {
  it('loads at most 300 KiB of gzipped JavaScript for the shell, with the areas code-split', async () => {
    const report = await ensureConsoleBuilt();
    expect(report.shellGzipBytes).toBeGreaterThan(10_000);
    expect(report.shellGzipBytes).toBeLessThanOrEqual(SHELL_GZIP_BYTES_MAX);
    for (const page of ['AccountsPage', 'AccountPage', 'StaffPage', 'OverviewCard']) {
      const chunk = report.files.find((f) => f.file.includes(page));
      expect(chunk, `${page} is its own chunk`).toBeDefined();
      expect(report.shellFiles).not.toContain(chunk?.file);
    }
  }, 120_000);
});
