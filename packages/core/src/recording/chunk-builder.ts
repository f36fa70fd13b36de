import type { ComponentBatch, ComponentDescriptor, ComponentValues } from '../model/components.js';
import type { TimeRange } from '../model/pipeline.js';
import type { TimelineKind } from '../model/timeline.js';
import type { Chunk, ChunkComponent, ChunkTimeline } from '../rerun/chunk.js';
import type { Tuid } from '../rerun/tuid.js';

/** The timelines a row is logged on, sorted by name; shared by every row logged with the same set. */
export interface TimelineSet {
  readonly names: readonly string[];
  readonly kinds: readonly TimelineKind[];
  /** Identifies the set (names and kinds) in layout keys. */
  readonly key: string;
}

/** Makes a {@link TimelineSet} from (name, kind) pairs. */
export function timelineSet(entries: Iterable<readonly [string, TimelineKind]>): TimelineSet {
  const sorted = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    names: sorted.map(([n]) => n),
    kinds: sorted.map(([, k]) => k),
    key: sorted.map(([n, k]) => `t:${k}:${n}`).join('\u0000'),
  };
}

/** The empty set: static rows. */
export const NO_TIMELINES: TimelineSet = timelineSet([]);

/** One logged row, before it becomes part of a chunk. */
export interface PendingRow {
  readonly rowId: Uint8Array;
  readonly timelines: TimelineSet;
  /** One value per `timelines.names` entry. */
  readonly times: readonly bigint[];
  readonly batches: readonly ComponentBatch[];
  readonly byteLength: number;
  readonly hasKeyframe: boolean;
}

/**
 * Rows of one entity on one set of timelines, on their way to a chunk. Rows may carry different components:
 * the chunk gets the union of their columns, with a null where a row has no value (so an `is_keyframe` set
 * only on keyframes does not split a GOP into two chunks).
 */
export class ChunkBuilder {
  readonly entityPath: string;
  readonly rows: PendingRow[] = [];
  byteLength = 0;

  constructor(entityPath: string) {
    this.entityPath = entityPath;
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
    if (n > 1) for (let i = 0; i < n; i++) rowIds.set(this.rows[i]!.rowId, 16 * i);

    const timeRanges = new Map<string, TimeRange>();
    const timelines: ChunkTimeline[] = first.timelines.names.map((name, ti) => {
      const values = new BigInt64Array(n);
      let min = first.times[ti]!;
      let max = min;
      for (let i = 0; i < n; i++) {
        const v = this.rows[i]!.times[ti]!;
        values[i] = v;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      timeRanges.set(name, { min, max });
      return { name, kind: first.timelines.kinds[ti]!, values };
    });
    const components: ChunkComponent[] = n === 1 ? singleRowComponents(first) : unionComponents(this.rows);
    const hasKeyframe = this.rows.some((r) => r.hasKeyframe);
    return {
      chunk: { id, entityPath: this.entityPath, numRows: n, rowIds, timelines, components },
      timeRanges,
      hasKeyframe,
    };
  }
}

function singleRowComponents(row: PendingRow): ChunkComponent[] {
  return row.batches.map((b) => ({ descriptor: b.descriptor, rows: [b.data] }));
}

function unionComponents(rows: readonly PendingRow[]): ChunkComponent[] {
  const columns = new Map<
    string,
    { descriptor: ComponentDescriptor; rows: (ComponentValues | undefined)[] }
  >();
  rows.forEach((row, i) => {
    for (const b of row.batches) {
      let column = columns.get(b.descriptor.component);
      if (column === undefined) {
        column = {
          descriptor: b.descriptor,
          rows: new Array<ComponentValues | undefined>(rows.length).fill(undefined),
        };
        columns.set(b.descriptor.component, column);
      }
      column.rows[i] = b.data;
    }
  });
  return [...columns.values()];
}

/** Which timelines (and kinds) and which components a row has, in order: what static data is keyed by. */
export function rowLayoutKey(row: Pick<PendingRow, 'timelines' | 'batches'>): string {
  let key = row.timelines.key;
  for (const b of row.batches) key += `\u0000c:${b.descriptor.component}:${b.descriptor.element}`;
  return key;
}

/** Bytes a batch of component values adds to a chunk (roughly; for batching thresholds). */
export function batchByteLength(batches: readonly ComponentBatch[]): number {
  let total = 16;
  for (const b of batches) {
    if (b.data.element === 'blob') for (const v of b.data.values) total += v.byteLength + 4;
    // UTF-16 code units: a lower bound of the UTF-8 length, without encoding the text twice.
    else if (b.data.element === 'utf8') for (const v of b.data.values) total += v.length + 4;
    else total += 8 * b.data.values.length + 4;
  }
  return total;
}
