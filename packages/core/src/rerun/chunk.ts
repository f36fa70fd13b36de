import type { ComponentDescriptor, ComponentValues } from '../model/components.js';
import type { TimelineKind } from '../model/timeline.js';
import type { Tuid } from './tuid.js';

/** One timeline column of a chunk: a value per row. */
export interface ChunkTimeline {
  readonly name: string;
  readonly kind: TimelineKind;
  readonly values: BigInt64Array;
}

/** One component column of a chunk: per row, the row's instances, or `undefined` for no data (null). */
export interface ChunkComponent {
  readonly descriptor: ComponentDescriptor;
  readonly rows: readonly (ComponentValues | undefined)[];
}

/**
 * A chunk: one entity's rows, as Rerun stores them (RowId, timelines, components). Static chunks have no
 * timelines. `rowIds` holds `numRows` TUIDs of 16 bytes, ascending.
 */
export interface Chunk {
  readonly id: Tuid;
  readonly entityPath: string;
  readonly numRows: number;
  readonly rowIds: Uint8Array;
  readonly timelines: readonly ChunkTimeline[];
  readonly components: readonly ChunkComponent[];
}

/** A chunk is static when it has no timeline columns. */
export function isStaticChunk(chunk: Chunk): boolean {
  return chunk.timelines.length === 0;
}
