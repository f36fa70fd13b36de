import {
  type Data,
  Field,
  List,
  MessageHeader,
  makeData,
  makeVector,
  Struct,
  Table,
  Type,
  tableToIPC,
  Uint32,
  Utf8,
} from 'apache-arrow';
import { Message as FbMessage } from 'apache-arrow/fb/message';
import { Builder } from 'flatbuffers';
import { describe, expect, it } from 'vitest';
import { checkIpcStream, checkListOffsets } from './ipc-guard.js';

/** An IPC stream of one message whose metadata names a header type but holds no header, then end of stream. */
function headerlessMessage(type: MessageHeader): Uint8Array {
  const builder = new Builder(64);
  FbMessage.startMessage(builder);
  FbMessage.addVersion(builder, 4);
  FbMessage.addHeaderType(builder, type);
  FbMessage.addBodyLength(builder, 0n);
  builder.finish(FbMessage.endMessage(builder));
  const metadata = builder.asUint8Array();
  const padded = (metadata.length + 7) & ~7;
  const out = new Uint8Array(8 + padded + 8);
  const view = new DataView(out.buffer);
  view.setInt32(0, -1, true);
  view.setInt32(4, padded, true);
  out.set(metadata, 8);
  view.setInt32(8 + padded, -1, true); // end of stream: continuation marker, length 0
  return out;
}

describe('checkIpcStream', () => {
  it('returns the length of the first stream, end marker included; refuses a stream without a record batch', () => {
    const stream = tableToIPC(new Table({ a: makeVector(Uint32Array.of(1, 2)) }), 'stream');
    const twice = new Uint8Array(stream.length * 2 + 3);
    twice.set(stream);
    twice.set(stream, stream.length);
    expect(checkIpcStream(stream)).toBe(stream.length);
    expect(checkIpcStream(twice)).toBe(stream.length);
    // The schema message alone, then the end marker.
    const schemaLength = 8 + new DataView(stream.buffer, stream.byteOffset).getInt32(4, true);
    const schemaOnly = new Uint8Array(schemaLength + 8);
    schemaOnly.set(stream.subarray(0, schemaLength));
    schemaOnly.set([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0], schemaLength);
    expect(() => checkIpcStream(schemaOnly)).toThrow('IPC stream holds no record batch');
  });

  it('refuses a Schema or RecordBatch message without its header with an Error, not a TypeError', () => {
    expect(() => checkIpcStream(headerlessMessage(MessageHeader.Schema))).toThrow(
      'IPC metadata: a Schema message without its schema',
    );
    expect(() => checkIpcStream(headerlessMessage(MessageHeader.RecordBatch))).toThrow(
      'IPC metadata: a RecordBatch message without its record batch',
    );
  });
});

describe('checkListOffsets', () => {
  const values = makeData({ type: new Uint32(), length: 2, data: Uint32Array.of(1, 2) });
  const listType = new List(new Field('item', new Uint32()));

  it('accepts a list whose offsets stay inside its values', () => {
    const list = makeData({
      type: listType,
      length: 1,
      nullCount: 0,
      valueOffsets: Int32Array.of(0, 2),
      child: values,
    });
    expect(() => checkListOffsets(list)).not.toThrow();
  });

  it('refuses a list or a nested column without its values array with an Error, not a TypeError', () => {
    // What apache-arrow makes of a record batch with fewer field nodes or buffers than the schema needs.
    const list = {
      typeId: Type.List,
      type: listType,
      offset: 0,
      length: 1,
      valueOffsets: Int32Array.of(0, 1),
      children: [undefined],
    } as unknown as Data;
    expect(() => checkListOffsets(list)).toThrow('a list column has no values array');
    const struct = {
      typeId: Type.Struct,
      type: new Struct([new Field('a', new Uint32())]),
      offset: 0,
      length: 1,
      children: [undefined],
    } as unknown as Data;
    expect(() => checkListOffsets(struct)).toThrow('a nested column has no values array');
  });

  it('refuses string offsets past the bytes inside a list, which apache-arrow would read as a cut string', () => {
    const strings = (valueOffsets: Int32Array) =>
      makeData({
        type: new List(new Field('item', new Utf8())),
        length: 1,
        nullCount: 0,
        valueOffsets: Int32Array.of(0, 2),
        child: makeData({ type: new Utf8(), length: 2, valueOffsets, data: new TextEncoder().encode('abc') }),
      });
    expect(() => checkListOffsets(strings(Int32Array.of(0, 1, 3)))).not.toThrow();
    expect(() => checkListOffsets(strings(Int32Array.of(0, 1, 9)))).toThrow(
      'string offset 9 out of order or past the 3 bytes',
    );
    expect(() => checkListOffsets(strings(Int32Array.of(0, 2, 1)))).toThrow(/string offset 1 out of order/);
  });
});
