// Decisions 0009 and 0013: the browser entry imports nothing from node:*, and no entry or worker of this package
// loads `@camstream/core`'s Rerun half (apache-arrow, protobuf: ~20 MB per thread), only `@camstream/core/media`.
import { join } from 'node:path';
import { importGraph } from '@camstream/test-helpers/import-graph';
import { describe, expect, it } from 'vitest';

const src = import.meta.dirname;

describe('@camstream/encoder-wasm import graphs', () => {
  it.each(['browser/index.ts', 'browser/worker.ts'])(
    '%s reaches only @camstream/core/media, nothing from node:*',
    (entry) => {
      expect([...importGraph(join(src, entry)).external].sort()).toEqual(['@camstream/core/media']);
    },
  );

  it.each(['index.ts', 'worker/live-worker.ts', 'worker/batch-worker.ts', 'worker/decode-worker.ts'])(
    '%s never loads the @camstream/core root entry',
    (entry) => {
      const { external } = importGraph(join(src, entry));
      expect(external.has('@camstream/core')).toBe(false);
    },
  );
});
