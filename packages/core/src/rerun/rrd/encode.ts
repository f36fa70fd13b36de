import { create, toBinary } from '@bufbuild/protobuf';
import type { EncodedMessage, EncodedMessageKind, TimeRange } from '../../model/pipeline.js';
import { ChunkIpcEncoder } from '../arrow/record-batch.js';
import type { Chunk } from '../chunk.js';
import { Compression, TuidSchema } from '../proto/gen/rerun/v1alpha1/common_pb.js';
import {
  ArrowMsgSchema,
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
export function encodeSetStoreInfo(storeId: StoreId, rowId: Tuid, source: StoreSourceInfo = {}): EncodedMessage {
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
  return fromProtobuf({ kind: 'set_store_info', storeId }, MessageKind.SetStoreInfo, toBinary(SetStoreInfoSchema, msg));
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
 * Encodes chunks as ArrowMsgs (uncompressed, decision 0005). Keeps the per-layout schema cache and the
 * encoded StoreId, so each call only writes what changes per chunk.
 */
export class ArrowMsgEncoder {
  readonly #ipc = new ChunkIpcEncoder();
  readonly #storeIdProto;
  readonly storeId: StoreId;

  constructor(storeId: StoreId) {
    this.storeId = storeId;
    this.#storeIdProto = storeIdToProto(storeId);
  }

  /** One chunk → one ArrowMsg message. */
  encode(chunk: Chunk, meta: ChunkMeta): EncodedMessage {
    const plan = this.#ipc.plan(chunk);
    const isStatic = chunk.timelines.length === 0;
    // Everything but the payload through the generated code; the payload field is appended by hand so the
    // IPC bytes are written once, in place. Protobuf allows fields in any order.
    const head = toBinary(
      ArrowMsgSchema,
      create(ArrowMsgSchema, {
        storeId: this.#storeIdProto,
        chunkId: create(TuidSchema, { timeNs: chunk.id.timeNs, inc: chunk.id.inc }),
        compression: Compression.NONE,
        uncompressedSize: BigInt(plan.byteLength),
        encoding: Encoding.ARROW_IPC,
        isStatic,
      }),
    );
    const payloadLength = head.byteLength + 1 + varintLength(plan.byteLength) + plan.byteLength;
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
        out.set(head, offset);
        let at = offset + head.byteLength;
        out[at++] = PAYLOAD_TAG;
        at = writeVarint(out, at, plan.byteLength);
        plan.writeInto(out, at);
      },
    );
  }
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
