import { type Data, Message, MessageHeader, Type } from 'apache-arrow';
import { Field as FbField } from 'apache-arrow/fb/field';
import { Message as FbMessage } from 'apache-arrow/fb/message';
import { RecordBatch as FbRecordBatch } from 'apache-arrow/fb/record-batch';
import { Schema as FbSchema } from 'apache-arrow/fb/schema';
import { ByteBuffer } from 'flatbuffers';

/**
 * Checks an Arrow IPC stream's framing and record batch metadata against the bytes actually there, before
 * apache-arrow reads it: a garbled length in a field node would otherwise make it allocate gigabytes.
 * Throws an `Error` describing the first inconsistency. Returns the length of the stream up to its end marker:
 * apache-arrow reads any bytes after that as further streams, which this check has not seen, so the caller
 * hands it only these.
 */
export function checkIpcStream(ipc: Uint8Array): number {
  const view = new DataView(ipc.buffer, ipc.byteOffset, ipc.byteLength);
  let at = 0;
  let batches = 0;
  while (at + 8 <= ipc.byteLength) {
    let metadataLength = view.getInt32(at, true);
    at += 4;
    if (metadataLength === -1) {
      metadataLength = view.getInt32(at, true);
      at += 4;
    }
    if (metadataLength === 0) {
      if (batches === 0) throw new Error('IPC stream holds no record batch');
      return at; // end of stream
    }
    if (metadataLength < 0 || at + metadataLength > ipc.byteLength) {
      throw new Error(`IPC message metadata of ${metadataLength} bytes does not fit in the payload`);
    }
    const metadata = ipc.subarray(at, at + metadataLength);
    checkFlatbufferVectors(metadata);
    const message = Message.decode(metadata);
    at += metadataLength;
    const bodyLength = Number(message.bodyLength);
    if (!(bodyLength >= 0) || at + bodyLength > ipc.byteLength) {
      throw new Error(`IPC message body of ${bodyLength} bytes does not fit in the payload`);
    }
    if (message.headerType === MessageHeader.RecordBatch) {
      batches++;
      const header = message.header() as unknown as {
        length: number | bigint;
        nodes: { length: number | bigint; nullCount: number | bigint }[];
        buffers: { offset: number | bigint; length: number | bigint }[];
      };
      // No column in a Rerun chunk holds more values than 8 per body byte (a bit-packed boolean).
      const limit = 8 * bodyLength + 8;
      if (Number(header.length) > limit) throw new Error(`record batch claims ${header.length} rows`);
      for (const node of header.nodes) {
        if (Number(node.length) > limit || Number(node.nullCount) > Number(node.length)) {
          throw new Error(
            `field node claims ${node.length} values (${node.nullCount} null) in a ${bodyLength}-byte body`,
          );
        }
      }
      for (const buffer of header.buffers) {
        if (Number(buffer.offset) + Number(buffer.length) > bodyLength) {
          throw new Error('a record batch buffer lies outside the message body');
        }
      }
    }
    at += bodyLength;
  }
  if (batches === 0) throw new Error('IPC stream holds no record batch');
  return ipc.byteLength;
}

/**
 * apache-arrow's flatbuffer reader trusts vector lengths: a garbled one makes it loop billions of times.
 * Every vector of the message must fit in the bytes that hold it (elements of at least `size` bytes).
 */
function checkFlatbufferVectors(bytes: Uint8Array): void {
  const bb = new ByteBuffer(bytes);
  const capacity = bytes.byteLength;
  const fits = (count: number, size: number, what: string) => {
    if (count < 0 || count * size > capacity)
      throw new Error(`IPC metadata: ${what} claims ${count} entries`);
  };
  const message = FbMessage.getRootAsMessage(bb);
  fits(message.customMetadataLength(), 4, 'message metadata');
  if (message.headerType() === MessageHeader.Schema) {
    const schema = message.header(new FbSchema()) as FbSchema | null;
    if (schema === null) throw new Error('IPC metadata: a Schema message without its schema');
    fits(schema.fieldsLength(), 4, 'schema fields');
    fits(schema.customMetadataLength(), 4, 'schema metadata');
    fits(schema.featuresLength(), 8, 'schema features');
    const check = (field: FbField, depth: number) => {
      if (depth > 32) throw new Error('IPC metadata: fields nested deeper than 32');
      fits(field.childrenLength(), 4, 'field children');
      fits(field.customMetadataLength(), 4, 'field metadata');
      for (let i = 0; i < field.childrenLength(); i++)
        check(present(field.children(i, new FbField())), depth + 1);
    };
    for (let i = 0; i < schema.fieldsLength(); i++) check(present(schema.fields(i, new FbField())), 0);
  } else if (message.headerType() === MessageHeader.RecordBatch) {
    const batch = message.header(new FbRecordBatch()) as FbRecordBatch | null;
    if (batch === null) throw new Error('IPC metadata: a RecordBatch message without its record batch');
    fits(batch.nodesLength(), 16, 'field nodes');
    fits(batch.buffersLength(), 16, 'buffers');
    fits(batch.variadicBufferCountsLength(), 8, 'variadic buffer counts');
  }
}

function present(field: FbField | null): FbField {
  if (field === null) throw new Error('IPC metadata: a field of the schema is missing');
  return field;
}

/**
 * List offsets must be non-decreasing and stay inside the child array, or reading a row walks off into
 * memory that is not there (and a garbled offset can ask for billions of values). Checks nested lists too,
 * and the offsets of Utf8 strings into their bytes (apache-arrow would cut a string short without a word).
 */
export function checkListOffsets(data: Data): void {
  const offsets = data.valueOffsets as Int32Array | undefined;
  const child = data.children[0];
  if (offsets !== undefined && data.typeId === Type.List) {
    // A damaged record batch can leave a list without its values array.
    if (child === undefined) throw new Error('a list column has no values array');
    checkOffsets(data, offsets, child.length, 'list offset', 'child values');
  } else if (offsets !== undefined && data.typeId === Type.Utf8) {
    checkOffsets(
      data,
      offsets,
      (data.values as Uint8Array | undefined)?.length ?? 0,
      'string offset',
      'bytes',
    );
  }
  for (const c of data.children) {
    if (c === undefined) throw new Error('a nested column has no values array');
    checkListOffsets(c);
  }
}

function checkOffsets(data: Data, offsets: Int32Array, limit: number, what: string, of: string): void {
  const first = data.offset;
  if (offsets.length < first + data.length + 1) throw new Error(`${what}s buffer is too short`);
  let previous = offsets[first]!;
  if (previous < 0) throw new Error(`negative ${what}`);
  for (let i = first + 1; i <= first + data.length; i++) {
    const next = offsets[i]!;
    if (next < previous || next > limit) {
      throw new Error(`${what} ${next} out of order or past the ${limit} ${of}`);
    }
    previous = next;
  }
}
