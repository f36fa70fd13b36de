// Decisions 0010 and 0013: `camstream --help`, `--version` and usage errors load only the command definitions.
// Each command loads its implementation (encoder, server, RRD decoder, progress bar) when it runs.
import { join } from 'node:path';
import { importGraph } from '@camstream/test-helpers/import-graph';
import { describe, expect, it } from 'vitest';

describe('camstream start-up', () => {
  const startup = importGraph(join(import.meta.dirname, 'bin.ts'), { dynamic: false });

  it('loads neither the server, core’s Rerun half, the encoders nor the progress bar', () => {
    for (const heavy of ['@camstream/server', '@camstream/core', '@camstream/encoder-ffmpeg', 'cli-progress'])
      expect(startup.external.has(heavy), heavy).toBe(false);
    expect(startup.external.has('commander')).toBe(true);
  });

  it('reaches every command implementation once it runs', () => {
    const all = importGraph(join(import.meta.dirname, 'bin.ts'));
    for (const impl of [
      'capture/capture.ts',
      'inspect/inspect.ts',
      'remux/remux.ts',
      'encoders/list-encoders.ts',
      'devices/list-devices.ts',
    ]) {
      expect(startup.files.has(join(import.meta.dirname, impl)), impl).toBe(false);
      expect(all.files.has(join(import.meta.dirname, impl)), impl).toBe(true);
    }
  });
});
