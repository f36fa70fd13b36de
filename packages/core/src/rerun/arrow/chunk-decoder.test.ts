import {
  type Data,
  Duration,
  Field,
  FixedSizeBinary,
  Int32,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  tableToIPC,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { decodeChunk } from './chunk-decoder.js';

/** A one-row Arrow IPC chunk with the given columns: for chunks damaged in ways the encoder never writes. */
function chunkIpc(columns: { name: string; kind: string; data: Data }[]): Uint8Array {
  const fields = columns.map((c) => new Field(c.name, c.data.type, true, new Map([['rerun:kind', c.kind]])));
  const schema = new Schema(
    fields,
    new Map([
      ['rerun:id', `chunk_${'0'.repeat(32)}`],
      ['rerun:entity_path', '/x'],
    ]),
  );
  const children = columns.map((c) => c.data);
  return tableToIPC(
    new Table(
      new RecordBatch(schema, makeData({ type: new Struct(fields), length: 1, nullCount: 0, children })),
    ),
    'stream',
  );
}

describe('decodeChunk on damaged chunks', () => {
  const rowId = (data: Data) => ({ name: 'rerun.controls.RowId', kind: 'control', data });
  const tuid = makeData({ type: new FixedSizeBinary(16), length: 1, data: new Uint8Array(16) });

  it('reads a good one-row chunk', () => {
    expect(decodeChunk(chunkIpc([rowId(tuid)])).rowIds).toEqual([{ timeNs: 0n, inc: 0n }]);
  });

  it('refuses a RowId column that does not hold 16-byte TUIDs with an Error, not a TypeError or RangeError', () => {
    const damaged = [
      makeData({ type: new Int32(), length: 1, data: Int32Array.of(7) }),
      makeData({ type: new FixedSizeBinary(8), length: 1, data: new Uint8Array(8) }),
      makeData({
        type: new FixedSizeBinary(16),
        length: 1,
        nullCount: 1,
        nullBitmap: Uint8Array.of(0),
        data: new Uint8Array(16),
      }),
    ];
    for (const data of damaged) {
      expect(() => decodeChunk(chunkIpc([rowId(data)]))).toThrow(/RowId column .* not a 16-byte TUID/);
    }
  });

  it('refuses a component column that is not a list with an Error, not a TypeError', () => {
    const ints = makeData({ type: new Int32(), length: 1, data: Int32Array.of(3) });
    const ipc = chunkIpc([rowId(tuid), { name: 'Scalars:scalars', kind: 'data', data: ints }]);
    expect(() => decodeChunk(ipc)).toThrow(/component column Scalars:scalars is Int32, not a list/);
  });

  it('refuses a payload whose first IPC stream holds no record batch: apache-arrow would read on, unchecked', () => {
    // After a schema-only stream apache-arrow reads the next stream's record batches, which no check had seen;
    // one with a garbled field-node count (2^31) made the RRD decoder spin for minutes.
    const chunk = chunkIpc([rowId(tuid)]);
    const schemaLength = 8 + new DataView(chunk.buffer, chunk.byteOffset).getInt32(4, true);
    const payload = new Uint8Array(schemaLength + 8 + chunk.length);
    payload.set(chunk.subarray(0, schemaLength));
    payload.set([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0], schemaLength); // end of the first stream
    payload.set(chunk, schemaLength + 8);
    expect(() => decodeChunk(payload)).toThrow('IPC stream holds no record batch');
  });

  it('refuses a component column whose rows apache-arrow cannot read (a garbled time unit) with an Error', () => {
    const garbled = makeData({ type: new Duration(9 as never), length: 1, data: BigInt64Array.of(1n) });
    const ipc = chunkIpc([rowId(tuid), { name: 'time', kind: 'data', data: garbled }]);
    expect(() => decodeChunk(ipc)).toThrow(/component column time is Duration.*, not a list/);
  });
});
