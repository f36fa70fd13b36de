import { type EncodedMessage, isKeyframeSample, type TimeRange, VideoCodec } from '@camstream/core';
import { Compression, decodeChunk, decompressLz4Block, type LogMsg, StoreKind } from '@camstream/core/wire';
import { ServerError } from '../errors.js';
import { rawLogMsg } from './raw-log-msg.js';

/** One LogMsg as the proxy keeps it: the protobuf message plus what replay and fan-out route by. */
export interface StoredMessage {
  readonly logMsg: LogMsg;
  /** `set_store_info`, `arrow_msg` or `blueprint_activation_command`. */
  readonly kind: 'set_store_info' | 'arrow_msg' | 'blueprint_activation_command';
  /** Store info, blueprint activation and blueprint-store chunks: always replayed first. */
  readonly persistent: boolean;
  readonly isStatic: boolean;
  /** `application\0recording\0entity` of an ArrowMsg's chunk; `undefined` otherwise. */
  readonly entityKey: string | undefined;
  /** Whether the chunk holds a video sample (a VideoStream `sample` column). */
  readonly isVideo: boolean;
  /** Whether the chunk holds a video keyframe (a GOP starts here). */
  readonly hasKeyframe: boolean;
  readonly timeRanges: ReadonlyMap<string, TimeRange>;
  /** Payload bytes, for memory accounting. */
  readonly size: number;
}

const key = (applicationId: string, recordingId: string, entity: string) =>
  `${applicationId}\0${recordingId}\0${entity}`;

/**
 * Wraps a core {@link EncodedMessage} (from an in-process RecordingStream). The metadata comes with it; only
 * the protobuf payload is parsed (no Arrow decoding).
 */
export function fromEncoded(message: EncodedMessage, videoEntities: Set<string>): StoredMessage {
  const { storeId } = message;
  const logMsg = rawLogMsg(message.kind, message.payload);
  const entityKey =
    message.kind === 'arrow_msg' && message.entityPath !== undefined
      ? key(storeId.applicationId, storeId.recordingId, message.entityPath)
      : undefined;
  if (entityKey !== undefined && message.hasKeyframe) videoEntities.add(entityKey);
  return {
    logMsg,
    kind: message.kind,
    persistent: message.kind !== 'arrow_msg' || storeId.kind === 'blueprint',
    isStatic: message.isStatic,
    entityKey,
    isVideo: entityKey !== undefined && !message.isStatic && videoEntities.has(entityKey),
    hasKeyframe: message.hasKeyframe,
    timeRanges: message.timeRanges,
    size: message.payload.byteLength,
  };
}

/** Per entity: the codec its static VideoStream chunk declared (H.264 unless told). */
export type CodecTable = Map<string, 'h264' | 'h265'>;

/**
 * Classifies a LogMsg pushed by a client (`WriteMessages`, the publish endpoint). ArrowMsgs are decoded
 * (LZ4 included) to find the entity, time ranges and keyframes with the core's parser.
 * @throws {ServerError} `bad-message` for a LogMsg the viewer could not use either.
 */
export function fromLogMsg(logMsg: LogMsg, codecs: CodecTable): StoredMessage {
  const base = { logMsg, isStatic: false, entityKey: undefined, isVideo: false, hasKeyframe: false };
  const msg = logMsg.msg;
  if (msg.case === 'setStoreInfo') {
    if (msg.value.info?.storeId === undefined)
      throw new ServerError('bad-message', 'SetStoreInfo without a store id');
    return { ...base, kind: 'set_store_info', persistent: true, timeRanges: new Map(), size: 64 };
  }
  if (msg.case === 'blueprintActivationCommand')
    return {
      ...base,
      kind: 'blueprint_activation_command',
      persistent: true,
      timeRanges: new Map(),
      size: 64,
    };
  if (msg.case !== 'arrowMsg') throw new ServerError('bad-message', 'LogMsg without a message');
  const arrow = msg.value;
  const storeId = arrow.storeId;
  if (storeId === undefined || (storeId.applicationId?.id ?? '') === '')
    throw new ServerError('bad-message', 'ArrowMsg without a store id or application id');
  let ipc = arrow.payload;
  try {
    if (arrow.compression === Compression.LZ4)
      ipc = decompressLz4Block(arrow.payload, Number(arrow.uncompressedSize));
    else if (arrow.compression !== Compression.NONE && arrow.compression !== Compression.UNSPECIFIED)
      throw new Error(`unknown compression ${arrow.compression}`);
    const chunk = decodeChunk(ipc);
    const entityKey = key(storeId.applicationId?.id ?? '', storeId.recordingId, chunk.entityPath);
    const codec = chunk.components.find((c) => c.component === 'VideoStream:codec');
    const value = codec?.rows.find((r) => r !== null)?.[0];
    if (value !== undefined) codecs.set(entityKey, Number(value) === VideoCodec.H265 ? 'h265' : 'h264');
    const sample = chunk.components.find((c) => c.component === 'VideoStream:sample');
    const isVideo = !chunk.isStatic && sample !== undefined;
    let hasKeyframe = false;
    if (isVideo) {
      const name = codecs.get(entityKey) ?? 'h264';
      for (const row of sample.rows) {
        const bytes = row?.[0];
        if (bytes instanceof Uint8Array && isKeyframeSample(bytes, name)) hasKeyframe = true;
        else if (bytes !== undefined && typeof bytes === 'object' && bytes !== null) {
          const flat = Uint8Array.from(bytes as Iterable<number>);
          if (isKeyframeSample(flat, name)) hasKeyframe = true;
        }
      }
    }
    const timeRanges = new Map<string, TimeRange>();
    for (const t of chunk.timelines) {
      if (t.values.length === 0) continue;
      let min = t.values[0]!;
      let max = min;
      for (const v of t.values) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
      timeRanges.set(t.name, { min, max });
    }
    return {
      logMsg,
      kind: 'arrow_msg',
      persistent: storeId.kind === StoreKind.BLUEPRINT,
      isStatic: chunk.isStatic,
      entityKey,
      isVideo,
      hasKeyframe,
      timeRanges,
      size: arrow.payload.byteLength,
    };
  } catch (cause) {
    throw new ServerError('bad-message', `ArrowMsg does not decode: ${(cause as Error).message}`, { cause });
  }
}
