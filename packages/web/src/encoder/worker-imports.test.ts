// Decision 0013: the encoder workers load only `@camstream/core/media`, never core's Rerun half (apache-arrow and
// protobuf), which unbundled (a dev server, a plain static server) would be fetched and evaluated in every worker.
import { join } from 'node:path';
import { importGraph } from '@camstream/test-helpers/import-graph';
import { describe, expect, it } from 'vitest';

describe('@camstream/web encoder workers', () => {
  it.each(['webcodecs/webcodecs-worker.ts', 'wasm/i420-worker.ts'])(
    '%s reaches only @camstream/core/media',
    (entry) => {
      const { external } = importGraph(join(import.meta.dirname, entry));
      expect([...external].filter((s) => s.startsWith('@camstream/'))).toEqual(['@camstream/core/media']);
    },
  );
});
