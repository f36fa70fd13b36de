import { type List, Type, Utf8 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { TextDocumentComponents, VideoStreamComponents } from '../../model/archetypes.js';
import type { ComponentValues } from '../../model/components.js';
import type { Chunk } from '../chunk.js';
import { decodeChunk } from './chunk-decoder.js';
import { ChunkIpcEncoder } from './chunk-encoder.js';

function encode(chunk: Chunk): Uint8Array {
  const plan = new ChunkIpcEncoder().plan(chunk);
  // Written at an odd offset into a dirty buffer: the plan must write every byte it claims.
  const out = new Uint8Array(plan.byteLength + 3).fill(0xee);
  plan.writeInto(out, 3);
  return out.subarray(3);
}

function rowIds(n: number): Uint8Array {
  const ids = new Uint8Array(16 * n);
  for (let i = 0; i < n; i++) ids[16 * i + 15] = i + 1;
  return ids;
}

const text = (...values: string[]): ComponentValues => ({ element: 'utf8', values });

describe('ChunkIpcEncoder: utf8 components', () => {
  it('round-trips strings through the decoder: non-ASCII, empty, several per row, null rows', () => {
    const rows = [
      text('plain ASCII'),
      text(''),
      text('Grüße, 日本語, emoji 🎥, combining é, RTL שלום'),
      undefined,
      text('first', '', 'third 🚀'),
      text(),
    ];
    const n = rows.length;
    const chunk: Chunk = {
      id: { timeNs: 1n, inc: 2n },
      entityPath: '/notes',
      numRows: n,
      rowIds: rowIds(n),
      timelines: [
        { name: 'step', kind: 'sequence', values: BigInt64Array.from(rows.map((_, i) => BigInt(i))) },
      ],
      components: [
        { descriptor: TextDocumentComponents.text, rows },
        // Columns after a utf8 one must still land at their own offsets in the body.
        {
          descriptor: VideoStreamComponents.sample,
          rows: rows.map((_, i) => ({ element: 'blob', values: [Uint8Array.of(i, 0xff, i)] })),
        },
        {
          descriptor: TextDocumentComponents.mediaType,
          rows: rows.map(() => text('text/markdown')),
        },
      ],
    };
    const decoded = decodeChunk(encode(chunk));
    expect(decoded.numRows).toBe(n);
    expect(decoded.timelines[0]!.values).toEqual([0n, 1n, 2n, 3n, 4n, 5n]);
    expect(decoded.components.map((c) => c.component)).toEqual([
      'TextDocument:text',
      'VideoStream:sample',
      'TextDocument:media_type',
    ]);
    expect(decoded.components[0]!.rows).toEqual([
      ['plain ASCII'],
      [''],
      ['Grüße, 日本語, emoji 🎥, combining é, RTL שלום'],
      null,
      ['first', '', 'third 🚀'],
      [],
    ]);
    expect(decoded.components[1]!.rows.map((r) => [...(r![0] as Iterable<number>)])).toEqual(
      rows.map((_, i) => [i, 0xff, i]),
    );
    expect(decoded.components[2]!.rows).toEqual(rows.map(() => ['text/markdown']));
  });

  it("writes Rerun's Utf8 datatype: List<item: Utf8>, with the Text descriptor", () => {
    const chunk: Chunk = {
      id: { timeNs: 3n, inc: 4n },
      entityPath: '/readme',
      numRows: 1,
      rowIds: rowIds(1),
      timelines: [],
      components: [{ descriptor: TextDocumentComponents.text, rows: [text('hello')] }],
    };
    const decoded = decodeChunk(encode(chunk));
    expect(decoded.isStatic).toBe(true);
    const field = decoded.table.schema.fields[1]!;
    expect(field.name).toBe('TextDocument:text');
    expect(field.typeId).toBe(Type.List);
    const item = (field.type as List).children[0]!;
    expect(item.name).toBe('item');
    expect(item.nullable).toBe(true);
    // Utf8 with i32 offsets: LargeUtf8 would not match the viewer's Text type.
    expect(item.type).toBeInstanceOf(Utf8);
    expect(item.typeId).toBe(Type.Utf8);
    expect(Object.fromEntries(field.metadata)).toEqual({
      'rerun:kind': 'data',
      'rerun:component': 'TextDocument:text',
      'rerun:archetype': 'rerun.archetypes.TextDocument',
      'rerun:component_type': 'rerun.components.Text',
    });
  });
});
