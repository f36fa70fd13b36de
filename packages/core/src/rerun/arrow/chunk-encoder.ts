import type { ComponentValues } from '../../model/components.js';
import type { Chunk, ChunkComponent } from '../chunk.js';
import { RecordBatchHeaderTemplate } from './batch-header.js';
import {
  buildSchemaTemplate,
  ipcMetadataLength,
  type SchemaTemplate,
  schemaKey,
  writeChunkId,
  writeIpcPrefix,
} from './schema.js';

/**
 * The hot path of every log call: a chunk → one Arrow IPC stream (schema, one record batch, EOS), written
 * straight into the caller's buffer so that sample bytes are copied exactly once. The schema comes from a
 * per-layout cache (decision 0005); so does the record batch header, whose integers are rewritten per chunk;
 * the body is laid out here by hand. Reading goes the other way in `chunk-decoder.ts`.
 */

type BodyWriter = (out: Uint8Array, offset: number, view: DataView) => void;

interface BodyBuffer {
  readonly length: number;
  readonly write: BodyWriter | undefined;
}

const EMPTY: BodyBuffer = { length: 0, write: undefined };
const EOS_LENGTH = 8;
const SCHEMA_CACHE_LIMIT = 256;
const UTF8 = new TextEncoder();

/** A chunk ready to be written: its exact IPC byte length and a writer. */
export interface IpcPlan {
  readonly byteLength: number;
  writeInto(out: Uint8Array, offset: number): void;
}

const pad8 = (n: number) => (n + 7) & ~7;

interface LayoutTemplates {
  readonly schema: SchemaTemplate;
  header: RecordBatchHeaderTemplate | undefined;
}

/** Builds IPC plans; caches the schema and record batch header templates per chunk layout. */
export class ChunkIpcEncoder {
  readonly #layouts = new Map<string, LayoutTemplates>();

  /** Plans the IPC stream of `chunk`. */
  plan(chunk: Chunk): IpcPlan {
    const sorted = chunk.timelines.map((t) => isSorted(t.values));
    const key = schemaKey(chunk, sorted);
    let layout = this.#layouts.get(key);
    if (layout === undefined) {
      if (this.#layouts.size >= SCHEMA_CACHE_LIMIT) this.#layouts.clear();
      layout = { schema: buildSchemaTemplate(chunk, sorted), header: undefined };
      this.#layouts.set(key, layout);
    }

    const nodes: number[] = [];
    const buffers: BodyBuffer[] = [];
    const n = chunk.numRows;
    nodes.push(n, 0);
    buffers.push(EMPTY, {
      length: 16 * n,
      write: (out, off) => out.set(chunk.rowIds.subarray(0, 16 * n), off),
    });
    for (const t of chunk.timelines) {
      nodes.push(n, 0);
      buffers.push(EMPTY, {
        length: 8 * n,
        write: (_out, off, view) => {
          for (let i = 0; i < n; i++) view.setBigInt64(off + 8 * i, t.values[i]!, true);
        },
      });
    }
    for (const c of chunk.components) addComponent(c, n, nodes, buffers);

    const regions: number[] = [];
    let bodyLength = 0;
    for (const b of buffers) {
      regions.push(bodyLength, b.length);
      bodyLength += pad8(b.length);
    }
    layout.header ??= new RecordBatchHeaderTemplate(nodes.length / 2, buffers.length);
    const header = layout.header;
    const schemaTemplate = layout.schema;
    const batchMetadataLength = ipcMetadataLength(header.bytes.byteLength);
    const byteLength = schemaTemplate.frame.byteLength + 8 + batchMetadataLength + bodyLength + EOS_LENGTH;

    return {
      byteLength,
      writeInto(out: Uint8Array, offset: number): void {
        const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
        let at = offset;
        out.set(schemaTemplate.frame, at);
        writeChunkId(out, at, schemaTemplate, chunk);
        at += schemaTemplate.frame.byteLength;
        writeIpcPrefix(out, at, batchMetadataLength);
        header.writeInto(out, at + 8, view, n, bodyLength, nodes, regions);
        out.fill(0, at + 8 + header.bytes.byteLength, at + 8 + batchMetadataLength);
        at += 8 + batchMetadataLength;
        for (const b of buffers) {
          b.write?.(out, at, view);
          const padded = pad8(b.length);
          if (padded > b.length) out.fill(0, at + b.length, at + padded);
          at += padded;
        }
        view.setInt32(at, -1, true);
        view.setInt32(at + 4, 0, true);
      },
    };
  }
}

function isSorted(values: BigInt64Array): boolean {
  for (let i = 1; i < values.length; i++) if (values[i]! < values[i - 1]!) return false;
  return true;
}

function validityBuffer(rows: readonly (ComponentValues | undefined)[], nulls: number): BodyBuffer {
  if (nulls === 0) return EMPTY;
  return {
    length: (rows.length + 7) >> 3,
    write: (out, off) => {
      out.fill(0, off, off + ((rows.length + 7) >> 3));
      rows.forEach((r, i) => {
        if (r !== undefined) out[off + (i >> 3)]! |= 1 << (i & 7);
      });
    },
  };
}

function offsetsBuffer(counts: readonly number[]): BodyBuffer {
  return {
    length: 4 * (counts.length + 1),
    write: (_out, off, view) => {
      let acc = 0;
      view.setInt32(off, 0, true);
      for (let i = 0; i < counts.length; i++) {
        acc += counts[i]!;
        view.setInt32(off + 4 * (i + 1), acc, true);
      }
    },
  };
}

function addComponent(c: ChunkComponent, n: number, nodes: number[], buffers: BodyBuffer[]): void {
  const rows = c.rows;
  if (rows.length !== n) {
    throw new Error(`internal: component ${c.descriptor.component} has ${rows.length} rows, chunk has ${n}`);
  }
  let nulls = 0;
  const counts: number[] = [];
  for (const r of rows) {
    if (r === undefined) nulls++;
    counts.push(r === undefined ? 0 : r.values.length);
  }
  const instances = counts.reduce((a, b) => a + b, 0);
  nodes.push(n, nulls);
  buffers.push(validityBuffer(rows, nulls), offsetsBuffer(counts));
  nodes.push(instances, 0);

  const element = c.descriptor.element;
  if (element === 'blob') {
    const blobs: Uint8Array[] = [];
    for (const r of rows) if (r !== undefined && r.element === 'blob') blobs.push(...r.values);
    const total = blobs.reduce((a, b) => a + b.byteLength, 0);
    buffers.push(EMPTY, offsetsBuffer(blobs.map((b) => b.byteLength)));
    nodes.push(total, 0);
    buffers.push(EMPTY, {
      length: total,
      write: (out, off) => {
        let at = off;
        for (const b of blobs) {
          out.set(b, at);
          at += b.byteLength;
        }
      },
    });
    return;
  }
  if (element === 'utf8') {
    // Utf8: offsets into one buffer of UTF-8 bytes. Encoded here, when planning, to know the body's length.
    const strings: Uint8Array[] = [];
    for (const r of rows) {
      if (r !== undefined && r.element === 'utf8') for (const s of r.values) strings.push(UTF8.encode(s));
    }
    const total = strings.reduce((a, b) => a + b.byteLength, 0);
    buffers.push(EMPTY, offsetsBuffer(strings.map((s) => s.byteLength)), {
      length: total,
      write: (out, off) => {
        let at = off;
        for (const s of strings) {
          out.set(s, at);
          at += s.byteLength;
        }
      },
    });
    return;
  }
  if (element === 'bool') {
    buffers.push(EMPTY, {
      length: (instances + 7) >> 3,
      write: (out, off) => {
        out.fill(0, off, off + ((instances + 7) >> 3));
        let i = 0;
        for (const r of rows) {
          if (r === undefined) continue;
          for (let k = 0; k < r.values.length; k++, i++)
            if (r.values[k]) out[off + (i >> 3)]! |= 1 << (i & 7);
        }
      },
    });
    return;
  }
  const width = element === 'f64' ? 8 : 4;
  buffers.push(EMPTY, {
    length: width * instances,
    write: (_out, off, view) => {
      let at = off;
      for (const r of rows) {
        if (r === undefined) continue;
        const values = r.values as ArrayLike<number>;
        for (let k = 0; k < values.length; k++, at += width) {
          const v = values[k]!;
          if (element === 'u32') view.setUint32(at, v, true);
          else if (element === 'f32') view.setFloat32(at, v, true);
          else view.setFloat64(at, v, true);
        }
      }
    },
  });
}
