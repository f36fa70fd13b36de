import {
  Bool,
  type DataType,
  Duration,
  Field,
  FixedSizeBinary,
  Float32,
  Float64,
  Int64,
  List,
  Message,
  Schema,
  Timestamp,
  TimeUnit,
  Uint8,
  Uint32,
  Utf8,
} from 'apache-arrow';
import type { ElementType } from '../../model/components.js';
import type { TimelineKind } from '../../model/timeline.js';
import type { Chunk } from '../chunk.js';

/** Sorbet version the viewer expects in every chunk's schema metadata. */
export const SORBET_VERSION = '0.1.3';

const CHUNK_ID_PLACEHOLDER = 'chunk_' + 'Z'.repeat(32);
const ENCODER = new TextEncoder();

/** The Arrow type of a timeline column, by timeline kind. */
export function timelineArrowType(kind: TimelineKind): DataType {
  switch (kind) {
    case 'sequence':
      return new Int64();
    case 'duration':
      return new Duration(TimeUnit.NANOSECOND);
    case 'timestamp':
      return new Timestamp(TimeUnit.NANOSECOND);
  }
}

/** The Arrow type of one component instance. */
export function elementArrowType(element: ElementType): DataType {
  switch (element) {
    case 'u32':
      return new Uint32();
    case 'f32':
      return new Float32();
    case 'f64':
      return new Float64();
    case 'bool':
      return new Bool();
    case 'blob':
      // Rerun's Blob: the inner item is declared non-nullable.
      return new List(new Field('item', new Uint8(), false));
    case 'utf8':
      // Rerun's Utf8 datatype (`Text`, `MediaType`): plain Utf8 with i32 offsets, not LargeUtf8.
      return new Utf8();
  }
}

/** A framed IPC schema message with the position of the chunk id to overwrite per chunk. */
export interface SchemaTemplate {
  /** `FFFFFFFF len flatbuffer padding`, ready to copy. */
  readonly frame: Uint8Array;
  /** Byte offset in `frame` of the 32 hex digits of the chunk id. */
  readonly chunkIdOffset: number;
}

/** Key that identifies a chunk's schema up to its chunk id. */
export function schemaKey(chunk: Chunk, sortedTimelines: readonly boolean[]): string {
  let key = chunk.entityPath;
  chunk.timelines.forEach((t, i) => {
    key += `\u0000t${t.kind}:${sortedTimelines[i] ? 1 : 0}:${t.name}`;
  });
  for (const c of chunk.components) {
    const d = c.descriptor;
    key += `\u0000c${d.element}:${d.archetype}:${d.component}:${d.componentType}`;
  }
  return key;
}

/** Builds the Sorbet 0.1.3 schema of `chunk` (with a placeholder chunk id) and frames it as an IPC message. */
export function buildSchemaTemplate(chunk: Chunk, sortedTimelines: readonly boolean[]): SchemaTemplate {
  const fields: Field[] = [
    new Field(
      'rerun.controls.RowId',
      new FixedSizeBinary(16),
      false,
      new Map([
        ['rerun:kind', 'control'],
        ['ARROW:extension:name', 'rerun.datatypes.TUID'],
        ['ARROW:extension:metadata', '{"namespace":"row"}'],
        ['rerun:is_sorted', 'true'],
      ]),
    ),
  ];
  chunk.timelines.forEach((t, i) => {
    const meta = new Map([
      ['rerun:kind', 'index'],
      ['rerun:index_name', t.name],
    ]);
    if (sortedTimelines[i]) meta.set('rerun:is_sorted', 'true');
    fields.push(new Field(t.name, timelineArrowType(t.kind), true, meta));
  });
  for (const c of chunk.components) {
    const d = c.descriptor;
    fields.push(
      new Field(
        d.component,
        new List(new Field('item', elementArrowType(d.element), true)),
        true,
        new Map([
          ['rerun:kind', 'data'],
          ['rerun:component', d.component],
          ['rerun:archetype', d.archetype],
          ['rerun:component_type', d.componentType],
        ]),
      ),
    );
  }
  const schema = new Schema(
    fields,
    new Map([
      ['sorbet:version', SORBET_VERSION],
      ['rerun:id', CHUNK_ID_PLACEHOLDER],
      ['rerun:entity_path', chunk.entityPath],
    ]),
  );
  const frame = frameIpcMessage(Message.encode(Message.from(schema)));
  const chunkIdOffset = indexOfBytes(frame, ENCODER.encode(CHUNK_ID_PLACEHOLDER)) + 'chunk_'.length;
  if (chunkIdOffset < 'chunk_'.length) throw new Error('internal: chunk id placeholder not found in schema');
  return { frame, chunkIdOffset };
}

const UPPER = new TextEncoder().encode('0123456789ABCDEF');
const LOWER = new TextEncoder().encode('0123456789abcdef');

/**
 * Writes `chunk`'s id (32 hex digits, the form of `tuidToString`) over the template's placeholder in `out`
 * at `frameOffset`, digit by digit: this runs once per chunk.
 */
export function writeChunkId(
  out: Uint8Array,
  frameOffset: number,
  template: SchemaTemplate,
  chunk: Chunk,
): void {
  const at = frameOffset + template.chunkIdOffset;
  writeHex64(out, at, chunk.id.timeNs, UPPER);
  writeHex64(out, at + 16, chunk.id.inc, LOWER);
}

function writeHex64(out: Uint8Array, at: number, value: bigint, digits: Uint8Array): void {
  let hi = Number(value >> 32n);
  let lo = Number(value & 0xffff_ffffn);
  for (let i = 7; i >= 0; i--) {
    out[at + 8 + i] = digits[lo & 15]!;
    lo >>>= 4;
    out[at + i] = digits[hi & 15]!;
    hi >>>= 4;
  }
}

/** Frames a flatbuffer message: continuation marker, length, bytes, padding to 8. */
export function frameIpcMessage(flatbuffer: Uint8Array): Uint8Array {
  const padded = ipcMetadataLength(flatbuffer.byteLength);
  const out = new Uint8Array(8 + padded);
  writeIpcPrefix(out, 0, padded);
  out.set(flatbuffer, 8);
  return out;
}

/** Metadata length of an IPC message: the flatbuffer padded so that prefix + metadata is 8-aligned. */
export function ipcMetadataLength(flatbufferLength: number): number {
  return ((flatbufferLength + 8 + 7) & ~7) - 8;
}

/** Writes the 8-byte IPC prefix (continuation marker + little-endian metadata length). */
export function writeIpcPrefix(out: Uint8Array, offset: number, metadataLength: number): void {
  const view = new DataView(out.buffer, out.byteOffset + offset, 8);
  view.setInt32(0, -1, true);
  view.setInt32(4, metadataLength, true);
}

function indexOfBytes(haystack: Uint8Array, needle: Uint8Array): number {
  const first = needle[0]!;
  for (
    let i = haystack.indexOf(first);
    i >= 0 && i <= haystack.length - needle.length;
    i = haystack.indexOf(first, i + 1)
  ) {
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}
