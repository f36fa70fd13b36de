// Decision 0013: `@camstream/core/media` loads no Rerun wire-format code, so a worker importing it pays for no
// Arrow or protobuf.
import { join } from 'node:path';
import { importGraph } from '@camstream/test-helpers/import-graph';
import { describe, expect, it } from 'vitest';
import * as core from './index.js';
import * as media from './media.js';

describe('@camstream/core/media', () => {
  const graph = importGraph(join(import.meta.dirname, 'media.ts'));

  it('imports no package at run time', () => {
    expect([...graph.external]).toEqual([]);
  });

  it('reaches nothing of the Rerun half (src/rerun, src/recording, src/sinks)', () => {
    const rerunHalf = [...graph.files].filter((f) => /[/\\]src[/\\](?:rerun|recording|sinks)[/\\]/.test(f));
    expect(rerunHalf).toEqual([]);
  });

  it('is re-exported whole by @camstream/core, as the same values', () => {
    const exported = new Map(Object.entries(core));
    for (const [name, value] of Object.entries(media)) expect(exported.get(name), name).toBe(value);
  });
});
