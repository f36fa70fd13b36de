import type { ComponentBatch } from '../model/components.js';
import type { TimelineKind } from '../model/timeline.js';
import type { TimeRange } from '../model/pipeline.js';
import type { Chunk, ChunkComponent, ChunkTimeline } from '../rerun/chunk.js';
import type { Tuid } from '../rerun/tuid.js';

/** One logged row, before it becomes part of a chunk. */
export interface PendingRow {
  readonly rowId: Uint8Array;
  /** Timeline name → kind and value, in a fixed order for the whole batch. */
  readonly times: readonly { readonly name: string; readonly kind: TimelineKind; readonly value: bigint }[];
  readonly batches: readonly ComponentBatch[];
  readonly byteLength: number;
  readonly hasKeyframe: boolean;
}

/** Rows of one entity with one layout (same timelines, same components) on their way to a chunk. */
export class ChunkBuilder {
  readonly entityPath: string;
  readonly layoutKey: string;
  readonly rows: PendingRow[] = [];
  byteLength = 0;

  constructor(entityPath: string, layoutKey: string) {
    this.entityPath = entityPath;
    this.layoutKey = layoutKey;
  }

  add(row: PendingRow): void {
    this.rows.push(row);
    this.byteLength += row.byteLength;
  }

  /** Builds the chunk and its routing metadata. */
  build(id: Tuid): { chunk: Chunk; timeRanges: Map<string, TimeRange>; hasKeyframe: boolean } {
    const n = this.rows.length;
    const first = this.rows[0];
    if (first === undefined) throw new Error('internal: empty chunk');
    const rowIds = n === 1 ? first.rowId : new Uint8Array(16 * n);
    if (n > 1) this.rows.forEach((r, i) => rowIds.set(r.rowId, 16 * i));

    const timeRanges = new Map<string, TimeRange>();
    const timelines: ChunkTimeline[] = first.times.map((t, ti) => {
      const values = new BigInt64Array(n);
      let min = t.value;
      let max = t.value;
      this.rows.forEach((r, i) => {
        const v = r.times[ti]!.value;
        values[i] = v;
        if (v < min) min = v;
        if (v > max) max = v;
      });
      timeRanges.set(t.name, { min, max });
      return { name: t.name, kind: t.kind, values };
    });
    const components: ChunkComponent[] = first.batches.map((b, ci) => ({
      descriptor: b.descriptor,
      rows: this.rows.map((r) => r.batches[ci]!.data),
    }));
    const hasKeyframe = this.rows.some((r) => r.hasKeyframe);
    return { chunk: { id, entityPath: this.entityPath, numRows: n, rowIds, timelines, components }, timeRanges, hasKeyframe };
  }
}

/** The layout key of a row: which timelines (and kinds) and which components it has, in order. */
export function rowLayoutKey(row: Pick<PendingRow, 'times' | 'batches'>): string {
  let key = '';
  for (const t of row.times) key += `t:${t.kind}:${t.name}\u0000`;
  for (const b of row.batches) key += `c:${b.descriptor.component}:${b.descriptor.element}\u0000`;
  return key;
}

/** Bytes a batch of component values adds to a chunk (roughly; for batching thresholds). */
export function batchByteLength(batches: readonly ComponentBatch[]): number {
  let total = 16;
  for (const b of batches) {
    if (b.data.element === 'blob') for (const v of b.data.values) total += v.byteLength + 4;
    else total += 8 * b.data.values.length + 4;
  }
  return total;
}
