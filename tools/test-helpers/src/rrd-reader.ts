// An .rrd reader written without core's decoder, so tests can check what core wrote against Rerun's format.
// Protobuf is walked by hand with field numbers from Rerun 0.33's re_protos/proto/rerun/v1alpha1/*.proto; the
// Arrow IPC stream is read with apache-arrow and its columns found by Rerun's metadata, never by core's code.
import { type Data, type Field, tableFromIPC } from 'apache-arrow';
import { lz4jsDecompress } from './lz4.js';

/** What {@link readRrdVideo} found in an .rrd file for one video entity. */
export interface RrdVideo {
  /** `StoreId.recording_id` of the first SetStoreInfo (or ArrowMsg) that has one. */
  recordingId: string | undefined;
  /** The last `VideoStream:codec` value in the file (a FourCC as u32, e.g. `0x61766331` for `avc1`). */
  codec: number | undefined;
  /** Every `VideoStream:sample` blob of the entity, in file order. */
  samples: Uint8Array[];
  /** The `time` timeline value (ns) of each sample's row; same length as `samples`. */
  times: bigint[];
  /** Every entity path of every chunk in the file, each once, sorted. */
  entities: string[];
}

// MessageHeader.kind (re_log_encoding/src/rrd/log_msg.rs).
const KIND_END = 0;
const KIND_SET_STORE_INFO = 1;
const KIND_ARROW_MSG = 2;
const KIND_BLUEPRINT_ACTIVATION = 3;

const STREAM_HEADER_BYTES = 12;
const MESSAGE_HEADER_BYTES = 16;
const STREAM_FOOTER_BYTES = 32;
const FOURCC_RRF2 = 'RRF2';

// common.proto: Compression { COMPRESSION_NONE = 1; COMPRESSION_LZ4 = 2; }
const COMPRESSION_LZ4 = 2;
// log_msg.proto: Encoding { ENCODING_ARROW_IPC = 1; }
const ENCODING_ARROW_IPC = 1;

/**
 * Reads `bytes`, one or more concatenated RRD streams, and returns the video of `entity`: its codec, every
 * sample with its `time`, and the recording id and entity paths of the whole file.
 * @throws {Error} when the bytes are not a whole RRD stream (a bad StreamHeader, a message cut short, an
 *   unknown message kind, protobuf or Arrow IPC that does not parse).
 */
export function readRrdVideo(bytes: Uint8Array, entity = '/video_stream'): RrdVideo {
  const wanted = withLeadingSlash(entity);
  const result: RrdVideo = { recordingId: undefined, codec: undefined, samples: [], times: [], entities: [] };
  const entities = new Set<string>();
  for (const message of rrdMessages(bytes)) {
    if (message.kind === KIND_SET_STORE_INFO) {
      result.recordingId ??= setStoreInfoRecordingId(message.payload);
    } else if (message.kind === KIND_ARROW_MSG) {
      const arrow = parseArrowMsg(message.payload, message.offset);
      result.recordingId ??= arrow.recordingId;
      readChunk(arrow.ipc, message.offset, wanted, entities, result);
    }
  }
  result.entities = [...entities].sort();
  return result;
}

interface RrdMessage {
  kind: number;
  payload: Uint8Array;
  /** Byte offset of the MessageHeader in the file, for error messages. */
  offset: number;
}

/** The messages of every concatenated stream in `bytes`; End messages and StreamFooters are skipped. */
function* rrdMessages(bytes: Uint8Array): Generator<RrdMessage> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  let inStream = false;
  while (at < bytes.length) {
    // Streams concatenate without an End message (camstream writes none): a StreamHeader where a MessageHeader
    // would be starts the next stream, as in Rerun's decoder.
    if (inStream && bytes.length - at >= 4 && ascii(bytes.subarray(at, at + 4)) === FOURCC_RRF2)
      inStream = false;
    if (!inStream) {
      // StreamHeader (re_log_encoding/src/rrd/frames.rs): "RRF2", version u32, compression, serializer, 2 reserved.
      if (bytes.length - at < STREAM_HEADER_BYTES)
        throw new Error(`truncated .rrd: ${bytes.length - at} bytes at offset ${at}, a StreamHeader is 12`);
      const fourcc = ascii(bytes.subarray(at, at + 4));
      if (fourcc !== FOURCC_RRF2) throw new Error(`not an .rrd stream at offset ${at}: FourCC "${fourcc}"`);
      at += STREAM_HEADER_BYTES;
      inStream = true;
      continue;
    }
    if (bytes.length - at < MESSAGE_HEADER_BYTES)
      throw new Error(`truncated .rrd: ${bytes.length - at} bytes at offset ${at}, a MessageHeader is 16`);
    const kind = Number(view.getBigUint64(at, true));
    const length = view.getBigUint64(at + 8, true);
    const start = at + MESSAGE_HEADER_BYTES;
    if (length > BigInt(bytes.length - start))
      throw new Error(
        `truncated .rrd: the message at offset ${at} (kind ${kind}) claims ${length} bytes, ${bytes.length - start} are left`,
      );
    const end = start + Number(length);
    if (kind === KIND_END) {
      // An End message is followed by a 32-byte StreamFooter ending in "RRF2FOOT…"; a next stream may follow.
      at = end;
      if (bytes.length - at >= STREAM_FOOTER_BYTES && ascii(bytes.subarray(at + 16, at + 24)) === 'RRF2FOOT')
        at += STREAM_FOOTER_BYTES;
      inStream = false;
      continue;
    }
    if (kind !== KIND_SET_STORE_INFO && kind !== KIND_ARROW_MSG && kind !== KIND_BLUEPRINT_ACTIVATION)
      throw new Error(`bad .rrd: unknown message kind ${kind} at offset ${at}`);
    yield { kind, payload: bytes.subarray(start, end), offset: at };
    at = end;
  }
}

/** `SetStoreInfo.info.store_id.recording_id`. */
function setStoreInfoRecordingId(payload: Uint8Array): string | undefined {
  const info = lastField(payload, 2); // SetStoreInfo.info = 2
  const storeId = info && lastField(info, 2); // StoreInfo.store_id = 2
  return storeId && storeIdRecordingId(storeId);
}

function storeIdRecordingId(storeId: Uint8Array): string | undefined {
  const id = lastField(storeId, 2); // StoreId.recording_id = 2
  return id && new TextDecoder().decode(id);
}

/** The recording id and the (decompressed) Arrow IPC stream of an ArrowMsg. */
function parseArrowMsg(
  payload: Uint8Array,
  offset: number,
): { recordingId: string | undefined; ipc: Uint8Array } {
  let storeId: Uint8Array | undefined;
  let compression = 0;
  let uncompressedSize = 0;
  let encoding = 0;
  let data: Uint8Array | undefined;
  for (const field of protoFields(payload)) {
    if (field.number === 1 && field.bytes)
      storeId = field.bytes; // ArrowMsg.store_id = 1
    else if (field.number === 2)
      compression = Number(field.varint ?? 0); // ArrowMsg.compression = 2
    else if (field.number === 3)
      uncompressedSize = Number(field.varint ?? 0); // ArrowMsg.uncompressed_size = 3
    else if (field.number === 4)
      encoding = Number(field.varint ?? 0); // ArrowMsg.encoding = 4
    else if (field.number === 5 && field.bytes) data = field.bytes; // ArrowMsg.payload = 5
  }
  if (encoding !== ENCODING_ARROW_IPC)
    throw new Error(`bad ArrowMsg at offset ${offset}: encoding ${encoding}, expected 1 (ARROW_IPC)`);
  if (!data) throw new Error(`bad ArrowMsg at offset ${offset}: no payload`);
  let ipc = data;
  if (compression === COMPRESSION_LZ4) {
    ipc = new Uint8Array(uncompressedSize);
    const end = lz4jsDecompress(data, ipc);
    if (end !== uncompressedSize)
      throw new Error(
        `bad ArrowMsg at offset ${offset}: LZ4 gave ${end} bytes, uncompressed_size is ${uncompressedSize}`,
      );
  }
  return { recordingId: storeId && storeIdRecordingId(storeId), ipc };
}

/** Adds one chunk's entity to `entities` and, for `wanted`, its codec, samples and times to `out`. */
function readChunk(
  ipc: Uint8Array,
  offset: number,
  wanted: string,
  entities: Set<string>,
  out: RrdVideo,
): void {
  let table: ReturnType<typeof tableFromIPC>;
  try {
    table = tableFromIPC(ipc);
  } catch (error) {
    throw new Error(`bad ArrowMsg at offset ${offset}: the Arrow IPC stream does not parse`, {
      cause: error,
    });
  }
  // re_sorbet: the chunk's entity path is the schema metadata `rerun:entity_path`.
  const path = table.schema.metadata.get('rerun:entity_path');
  if (path === undefined)
    throw new Error(`bad chunk at offset ${offset}: no rerun:entity_path in its schema`);
  entities.add(withLeadingSlash(path));
  if (withLeadingSlash(path) !== wanted) return;

  const fields = table.schema.fields;
  const column = (test: (field: Field) => boolean) => {
    const index = fields.findIndex(test);
    return index < 0 ? undefined : table.getChildAt(index);
  };
  // re_sorbet: component columns carry `rerun:component`, index columns `rerun:kind=index` + `rerun:index_name`.
  const codec = column((f) => f.metadata.get('rerun:component') === 'VideoStream:codec');
  const sample = column((f) => f.metadata.get('rerun:component') === 'VideoStream:sample');
  const time = column(
    (f) =>
      f.metadata.get('rerun:kind') === 'index' && (f.metadata.get('rerun:index_name') ?? f.name) === 'time',
  );

  for (let row = 0; row < table.numRows; row++) {
    const codecs = codec?.get(row) as Iterable<number> | null | undefined;
    if (codecs) for (const value of codecs) out.codec = value;
    const blobs = sample?.get(row) as Iterable<{ toArray(): Uint8Array } | null> | null | undefined;
    if (!blobs) continue;
    if (!time)
      throw new Error(`bad chunk at offset ${offset}: VideoStream:sample rows without a 'time' timeline`);
    const at = int64At(time.data, row);
    for (const blob of blobs) {
      if (!blob) continue;
      out.samples.push(Uint8Array.from(blob.toArray()));
      out.times.push(at);
    }
  }
}

/** Row `row` of a 64-bit column (Int64, Duration, Timestamp) as its raw i64, whatever unit apache-arrow would convert to. */
function int64At(chunks: readonly Data[], row: number): bigint {
  let rest = row;
  for (const data of chunks) {
    if (rest < data.length) {
      const values = data.values as unknown;
      if (!(values instanceof BigInt64Array))
        throw new Error(`the 'time' column is not 64-bit (${data.type})`);
      return values[data.offset + rest]!;
    }
    rest -= data.length;
  }
  throw new Error(`row ${row} is past the 'time' column`);
}

interface ProtoField {
  number: number;
  varint?: bigint;
  bytes?: Uint8Array;
}

/** The top-level fields of one protobuf message (wire types 0, 1, 2, 5). */
function* protoFields(message: Uint8Array): Generator<ProtoField> {
  let at = 0;
  const varint = (): bigint => {
    let value = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (at >= message.length) throw new Error('truncated protobuf: a varint runs past the message');
      if (shift > 63n) throw new Error('bad protobuf: a varint longer than 10 bytes');
      const b = message[at++]!;
      value |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return value;
    }
  };
  const skip = (n: number) => {
    if (message.length - at < n) throw new Error('truncated protobuf: a field runs past the message');
    at += n;
  };
  while (at < message.length) {
    const tag = varint();
    const number = Number(tag >> 3n);
    const wireType = Number(tag & 7n);
    if (wireType === 0) yield { number, varint: varint() };
    else if (wireType === 1) skip(8);
    else if (wireType === 5) skip(4);
    else if (wireType === 2) {
      const length = Number(varint());
      const start = at;
      skip(length);
      yield { number, bytes: message.subarray(start, at) };
    } else throw new Error(`bad protobuf: wire type ${wireType} of field ${number}`);
  }
}

/** The last length-delimited value of field `number` (proto3: the last one wins). */
function lastField(message: Uint8Array, number: number): Uint8Array | undefined {
  let found: Uint8Array | undefined;
  for (const field of protoFields(message)) if (field.number === number && field.bytes) found = field.bytes;
  return found;
}

function withLeadingSlash(path: string): string {
  return path.startsWith('/') ? path : `/${path}`;
}

function ascii(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}
