import { type Table, tableFromIPC } from 'apache-arrow';
import type { TimelineKind } from '../../model/timeline.js';
import type { Tuid } from '../tuid.js';
import { checkIpcStream, checkListOffsets } from './ipc-guard.js';

/**
 * The reverse of `chunk-encoder.ts`: one ArrowMsg's Arrow IPC payload (Sorbet 0.1.3) back into its columns.
 * Reading is no hot path, so it goes through apache-arrow; what apache-arrow would read unchecked is checked
 * first (`ipc-guard.ts`), so a damaged payload ends in an `Error`, never a `TypeError` or a hang.
 */

/** A timeline column read back from a chunk. */
export interface DecodedTimeline {
  readonly name: string;
  readonly kind: TimelineKind;
  readonly values: readonly bigint[];
}

/** A component column read back from a chunk, with its Rerun descriptor. */
export interface DecodedComponent {
  readonly component: string;
  readonly archetype: string | undefined;
  readonly componentType: string | undefined;
  /** Per row: the instances, or `null` for a null row. */
  readonly rows: readonly (readonly unknown[] | null)[];
}

/** A chunk read back from an ArrowMsg. */
export interface DecodedChunk {
  readonly id: Tuid;
  readonly entityPath: string;
  readonly isStatic: boolean;
  readonly numRows: number;
  readonly rowIds: readonly Tuid[];
  readonly timelines: readonly DecodedTimeline[];
  readonly components: readonly DecodedComponent[];
  /** Schema-level metadata (`sorbet:version`, `rerun:id`, `rerun:entity_path`, …). */
  readonly metadata: ReadonlyMap<string, string>;
  /** The Arrow table itself, for anything not covered above. */
  readonly table: Table;
}

function parseTuidString(text: string): Tuid {
  const hex = text.includes('_') ? text.slice(text.indexOf('_') + 1) : text;
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`bad TUID string ${JSON.stringify(text)}`);
  return { timeNs: BigInt(`0x${hex.slice(0, 16)}`), inc: BigInt(`0x${hex.slice(16)}`) };
}

function timelineKind(typeName: string): TimelineKind {
  if (typeName.startsWith('Duration')) return 'duration';
  if (typeName.startsWith('Timestamp')) return 'timestamp';
  if (typeName === 'Int64') return 'sequence';
  throw new Error(`unsupported timeline type ${typeName}`);
}

/** Reads an Arrow IPC chunk payload (Sorbet 0.1.3) into a {@link DecodedChunk}. */
export function decodeChunk(ipc: Uint8Array): DecodedChunk {
  const length = checkIpcStream(ipc);
  // A fresh, aligned copy (the payload sits at an arbitrary offset inside the protobuf) of the one stream checked.
  const table = tableFromIPC(ipc.slice(0, length));
  const metadata = table.schema.metadata;
  const idText = metadata.get('rerun:id') ?? metadata.get('rerun.id');
  const entityPath = metadata.get('rerun:entity_path');
  if (idText === undefined) throw new Error('chunk schema has no rerun:id');
  if (entityPath === undefined) throw new Error('chunk schema has no rerun:entity_path');
  const rowIds: Tuid[] = [];
  const timelines: DecodedTimeline[] = [];
  const components: DecodedComponent[] = [];
  let seenComponent = false;
  table.schema.fields.forEach((field, i) => {
    const column = table.getChildAt(i);
    if (column === null) return;
    const kind = field.metadata.get('rerun:kind') ?? 'data';
    if (kind === 'control' || kind === 'row_id') {
      if (i !== 0) throw new Error('RowId column is not the first column, or there are two');
      for (const v of column) {
        // A RowId is a 16-byte TUID; another type or a null means the chunk is damaged.
        if (!(v instanceof Uint8Array) || v.length !== 16) {
          throw new Error(
            `RowId column ${field.name} (${field.type}) holds ${v === null ? 'a null' : 'a value'} that is not a 16-byte TUID`,
          );
        }
        const view = new DataView(v.buffer, v.byteOffset, 16);
        rowIds.push({ timeNs: view.getBigUint64(0), inc: view.getBigUint64(8) });
      }
    } else if (kind === 'index' || kind === 'time') {
      if (seenComponent) throw new Error('index column after a component column');
      // Raw i64 values: apache-arrow's getters turn timestamps into float milliseconds.
      const values: bigint[] = [];
      for (const data of column.data) {
        const raw = data.values as unknown;
        if (!(raw instanceof BigInt64Array)) throw new Error(`timeline ${field.name} is not 64-bit`);
        if (data.nullCount > 0) throw new Error(`timeline ${field.name} contains nulls`);
        for (let j = 0; j < data.length; j++) values.push(raw[j]!);
      }
      const name = field.metadata.get('rerun:index_name') ?? field.name;
      if (timelines.some((t) => t.name === name)) throw new Error(`timeline ${name} appears twice`);
      timelines.push({
        name,
        kind: timelineKind(String(field.type)),
        values,
      });
    } else if (kind === 'data' || kind === 'component') {
      seenComponent = true;
      for (const data of column.data) checkListOffsets(data);
      const rows: (unknown[] | null)[] = [];
      for (const v of column) {
        if (v === null) rows.push(null);
        // apache-arrow reads rows of types it cannot read (a garbled time unit) as undefined.
        else if (
          v !== undefined &&
          typeof (v as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function'
        ) {
          rows.push([...(v as Iterable<unknown>)]);
        } else throw new Error(`component column ${field.name} is ${field.type}, not a list of instances`);
      }
      components.push({
        component: field.metadata.get('rerun:component') ?? field.name,
        archetype: field.metadata.get('rerun:archetype'),
        componentType: field.metadata.get('rerun:component_type'),
        rows,
      });
    } else {
      throw new Error(`unknown rerun:kind ${JSON.stringify(kind)} on column ${field.name}`);
    }
  });
  return {
    id: parseTuidString(idText),
    entityPath,
    isStatic: timelines.length === 0,
    numRows: table.numRows,
    rowIds,
    timelines,
    components,
    metadata,
    table,
  };
}
