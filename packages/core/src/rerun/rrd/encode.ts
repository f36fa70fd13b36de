import { create, toBinary } from '@bufbuild/protobuf';
import type { EncodedMessage, EncodedMessageKind, TimeRange } from '../../model/pipeline.js';
import { ChunkIpcEncoder } from '../arrow/chunk-encoder.js';
import type { Chunk } from '../chunk.js';
import { Compression, StoreIdSchema } from '../proto/gen/rerun/v1alpha1/common_pb.js';
import {
  BlueprintActivationCommandSchema,
  Encoding,
  SetStoreInfoSchema,
  StoreSourceKind,
} from '../proto/gen/rerun/v1alpha1/log_msg_pb.js';
import { type StoreId, storeIdToProto } from '../store.js';
import type { Tuid } from '../tuid.js';
import {
  CRATE_VERSION_BITS,
  MESSAGE_HEADER_LENGTH,
  MessageKind,
  STREAM_HEADER,
  STREAM_HEADER_LENGTH,
  writeMessageHeader,
} from './stream-header.js';

const NO_TIME_RANGES: ReadonlyMap<string, TimeRange> = new Map();
const PAYLOAD_TAG = 0x2a; // ArrowMsg.payload: field 5, length-delimited

function varintLength(value: number): number {
  let n = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    n++;
  }
  return n;
}

function writeVarint(out: Uint8Array, offset: number, value: number): number {
  while (value >= 0x80) {
    out[offset++] = (value & 0x7f) | 0x80;
    value = Math.floor(value / 128);
  }
  out[offset++] = value;
  return offset;
}

interface MessageMeta {
  readonly kind: EncodedMessageKind;
  readonly storeId: StoreId;
  readonly entityPath?: string;
  readonly isStatic?: boolean;
  readonly timeRanges?: ReadonlyMap<string, TimeRange>;
  readonly hasKeyframe?: boolean;
  readonly numRows?: number;
}

/**
 * Allocates one buffer: StreamHeader headroom, MessageHeader, payload. `writePayload` fills the payload.
 * One allocation per message is what keeps the per-frame cost to one copy of the sample.
 */
function allocateMessage(
  meta: MessageMeta,
  kind: MessageKind,
  payloadLength: number,
  writePayload: (out: Uint8Array, offset: number) => void,
): EncodedMessage {
  const frame = new Uint8Array(STREAM_HEADER_LENGTH + MESSAGE_HEADER_LENGTH + payloadLength);
  frame.set(STREAM_HEADER, 0);
  writeMessageHeader(frame, STREAM_HEADER_LENGTH, kind, payloadLength);
  writePayload(frame, STREAM_HEADER_LENGTH + MESSAGE_HEADER_LENGTH);
  const bytes = frame.subarray(STREAM_HEADER_LENGTH);
  return {
    kind: meta.kind,
    storeId: meta.storeId,
    entityPath: meta.entityPath,
    isStatic: meta.isStatic ?? false,
    timeRanges: meta.timeRanges ?? NO_TIME_RANGES,
    hasKeyframe: meta.hasKeyframe ?? false,
    numRows: meta.numRows ?? 0,
    bytes,
    payload: bytes.subarray(MESSAGE_HEADER_LENGTH),
    asStream: () => frame,
  };
}

function fromProtobuf(meta: MessageMeta, kind: MessageKind, payload: Uint8Array): EncodedMessage {
  return allocateMessage(meta, kind, payload.byteLength, (out, offset) => out.set(payload, offset));
}

/** How a recording describes where it came from (`StoreSource`). */
export interface StoreSourceInfo {
  /** Shown by the viewer as the recording's source. Defaults to `camstream`. */
  readonly name?: string;
}

/** Encodes a SetStoreInfo message: the first message of every recording. */
export function encodeSetStoreInfo(
  storeId: StoreId,
  rowId: Tuid,
  source: StoreSourceInfo = {},
): EncodedMessage {
  const msg = create(SetStoreInfoSchema, {
    rowId: { timeNs: rowId.timeNs, inc: rowId.inc },
    info: {
      storeId: storeIdToProto(storeId),
      storeSource: {
        kind: StoreSourceKind.OTHER,
        extra: { payload: new TextEncoder().encode(source.name ?? 'camstream') },
      },
      storeVersion: { crateVersionBits: CRATE_VERSION_BITS },
    },
  });
  return fromProtobuf(
    { kind: 'set_store_info', storeId },
    MessageKind.SetStoreInfo,
    toBinary(SetStoreInfoSchema, msg),
  );
}

/** Encodes a BlueprintActivationCommand for a blueprint store already sent. */
export function encodeBlueprintActivation(
  blueprintId: StoreId,
  options: { makeActive?: boolean; makeDefault?: boolean } = {},
): EncodedMessage {
  const msg = create(BlueprintActivationCommandSchema, {
    blueprintId: storeIdToProto(blueprintId),
    makeActive: options.makeActive ?? true,
    makeDefault: options.makeDefault ?? true,
  });
  return fromProtobuf(
    { kind: 'blueprint_activation_command', storeId: blueprintId },
    MessageKind.BlueprintActivationCommand,
    toBinary(BlueprintActivationCommandSchema, msg),
  );
}

/** Metadata of a chunk that sinks route by. */
export interface ChunkMeta {
  readonly timeRanges: ReadonlyMap<string, TimeRange>;
  readonly hasKeyframe: boolean;
}

/**
 * Encodes chunks as ArrowMsgs (uncompressed, decision 0005). The ArrowMsg protobuf is written by hand here,
 * on the per-frame hot path (the generated code costs more than the rest of the message together; tests
 * check these bytes against the generated decoder): the StoreId is encoded once, and the IPC payload is
 * written in place, so each sample byte is copied once.
 */
export class ArrowMsgEncoder {
  readonly #ipc = new ChunkIpcEncoder();
  /** `0A len StoreId`: ArrowMsg field 1, the same for every message of the recording. */
  readonly #storeIdField: Uint8Array;
  readonly storeId: StoreId;

  constructor(storeId: StoreId) {
    this.storeId = storeId;
    const encoded = toBinary(StoreIdSchema, storeIdToProto(storeId));
    this.#storeIdField = new Uint8Array(1 + varintLength(encoded.byteLength) + encoded.byteLength);
    this.#storeIdField[0] = 0x0a;
    this.#storeIdField.set(encoded, writeVarint(this.#storeIdField, 1, encoded.byteLength));
  }

  /** One chunk → one ArrowMsg message. */
  encode(chunk: Chunk, meta: ChunkMeta): EncodedMessage {
    const plan = this.#ipc.plan(chunk);
    const isStatic = chunk.timelines.length === 0;
    const ipcLength = plan.byteLength;
    const sizeVarint = varintLength(ipcLength);
    // store_id | compression=NONE | uncompressed_size | encoding=ARROW_IPC | chunk_id | is_static | payload
    const payloadLength =
      this.#storeIdField.byteLength +
      2 +
      (1 + sizeVarint) +
      2 +
      CHUNK_ID_FIELD_LENGTH +
      2 +
      (1 + sizeVarint) +
      ipcLength;
    const storeIdField = this.#storeIdField;
    return allocateMessage(
      {
        kind: 'arrow_msg',
        storeId: this.storeId,
        entityPath: chunk.entityPath,
        isStatic,
        timeRanges: meta.timeRanges,
        hasKeyframe: meta.hasKeyframe,
        numRows: chunk.numRows,
      },
      MessageKind.ArrowMsg,
      payloadLength,
      (out, offset) => {
        out.set(storeIdField, offset);
        let at = offset + storeIdField.byteLength;
        out[at++] = 0x10; // compression
        out[at++] = Compression.NONE;
        out[at++] = 0x18; // uncompressed_size
        at = writeVarint(out, at, ipcLength);
        out[at++] = 0x20; // encoding
        out[at++] = Encoding.ARROW_IPC;
        at = writeTuidField(out, at, 0x32, chunk.id);
        out[at++] = 0x38; // is_static
        out[at++] = isStatic ? 1 : 0;
        out[at++] = PAYLOAD_TAG;
        at = writeVarint(out, at, ipcLength);
        plan.writeInto(out, at);
      },
    );
  }
}

/** A `Tuid` message field: tag, length 18, then both fixed64 fields (always present, as Rerun requires). */
const CHUNK_ID_FIELD_LENGTH = 2 + 18;

function writeTuidField(out: Uint8Array, at: number, tag: number, id: Tuid): number {
  out[at] = tag;
  out[at + 1] = 18;
  out[at + 2] = 0x09; // time_ns, fixed64
  const view = new DataView(out.buffer, out.byteOffset + at + 3, 17);
  view.setBigUint64(0, id.timeNs, true);
  out[at + 11] = 0x11; // inc, fixed64
  view.setBigUint64(9, id.inc, true);
  return at + CHUNK_ID_FIELD_LENGTH;
}

/** Concatenates messages into one RRD stream (StreamHeader once, then each message). */
export function concatStream(messages: readonly EncodedMessage[]): Uint8Array {
  let length = STREAM_HEADER_LENGTH;
  for (const m of messages) length += m.bytes.byteLength;
  const out = new Uint8Array(length);
  out.set(STREAM_HEADER, 0);
  let at = STREAM_HEADER_LENGTH;
  for (const m of messages) {
    out.set(m.bytes, at);
    at += m.bytes.byteLength;
  }
  return out;
}
