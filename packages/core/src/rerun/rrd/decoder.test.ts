import { clone, toBinary } from '@bufbuild/protobuf';
import { concatBytes } from '@camstream/test-helpers/bytes';
import { lz4jsCompress } from '@camstream/test-helpers/lz4';
import { messageHeader } from '@camstream/test-helpers/rrd';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CamstreamError, RrdDecodeError } from '../../errors.js';
import { Scalars, VideoStream } from '../../model/archetypes.js';
import { VideoCodec } from '../../model/codec.js';
import { RecordingStream } from '../../recording/recording-stream.js';
import { MemorySink } from '../../sinks/memory-sink.js';
import { Compression } from '../proto/gen/rerun/v1alpha1/common_pb.js';
import { type ArrowMsg, ArrowMsgSchema, SetStoreInfoSchema } from '../proto/gen/rerun/v1alpha1/log_msg_pb.js';
import { type DecodedMessage, decodeRrd, RrdDecoder } from './decoder.js';
import { MessageKind, streamHeader } from './stream-header.js';

function recording(frames = 6): Uint8Array {
  const memory = new MemorySink();
  const rec = new RecordingStream({
    applicationId: 'dec',
    recordingId: 'r',
    sinks: [memory],
    clock: () => 1n,
  });
  rec.log('v', new VideoStream({ codec: VideoCodec.H264 }), { static: true });
  for (let i = 0; i < frames; i++) {
    rec.setTime('frame', { sequence: i });
    rec.log('v', VideoStream.fromFields({ sample: new Uint8Array([0, 0, 1, 0x65, i]) }));
    rec.log('s', new Scalars([i, -i]));
  }
  return memory.bytes().slice();
}

/** Re-frames `messages` as an RRD whose ArrowMsgs are LZ4 blocks made by the independent lz4js. */
function lz4Recording(
  messages: DecodedMessage[],
  mutate?: (proto: ArrowMsg, index: number) => void,
): Uint8Array {
  const parts: Uint8Array[] = [streamHeader()];
  let i = 0;
  for (const m of messages) {
    let kind: number;
    let payload: Uint8Array;
    if (m.kind === 'arrow_msg') {
      const proto = clone(ArrowMsgSchema, m.proto);
      const raw = proto.payload;
      const block = lz4jsCompress(raw);
      expect(block?.length).toBeLessThan(raw.length);
      proto.compression = Compression.LZ4;
      proto.uncompressedSize = BigInt(raw.length);
      proto.payload = block as Uint8Array;
      mutate?.(proto, i++);
      kind = MessageKind.ArrowMsg;
      payload = toBinary(ArrowMsgSchema, proto);
    } else if (m.kind === 'set_store_info') {
      kind = MessageKind.SetStoreInfo;
      payload = toBinary(SetStoreInfoSchema, m.proto);
    } else continue;
    parts.push(messageHeader(kind, payload.length), payload);
  }
  return concatBytes(parts);
}

const summary = (messages: DecodedMessage[]) =>
  messages.map((m) =>
    m.kind === 'arrow_msg'
      ? `${m.chunk.entityPath}@${m.chunk.timelines.map((t) => t.values.join(',')).join('|')}:${JSON.stringify(
          m.chunk.components.map((c) =>
            c.rows.map((r) => r?.map((v) => (v instanceof Object ? [...(v as Iterable<number>)] : v))),
          ),
        )}`
      : m.kind,
  );

describe('RrdDecoder', () => {
  const bytes = recording();
  const whole = decodeRrd(bytes);

  it('decodes a whole recording', () => {
    expect(whole.errors).toEqual([]);
    expect(whole.messages).toHaveLength(1 + 1 + 12);
  });

  it('gives the same messages for any split into pieces (property)', () => {
    const expected = summary(whole.messages);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 40 }),
        (cuts) => {
          const points = [0, ...cuts.sort((a, b) => a - b), bytes.length];
          const decoder = new RrdDecoder();
          const messages: DecodedMessage[] = [];
          for (let i = 1; i < points.length; i++)
            messages.push(...decoder.push(bytes.subarray(points[i - 1]!, points[i]!)));
          decoder.end();
          expect(decoder.errors).toEqual([]);
          expect(summary(messages)).toEqual(expected);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('follows concatenated streams', () => {
    const two = new Uint8Array(bytes.length * 2);
    two.set(bytes, 0);
    two.set(bytes, bytes.length);
    const decoder = new RrdDecoder();
    const messages = decoder.push(two);
    expect(decoder.streams).toBe(2);
    expect(messages).toHaveLength(whole.messages.length * 2);
  });

  it('reports a truncated stream and keeps every whole message', () => {
    const cut = bytes.subarray(0, bytes.length - 7);
    const { messages, errors } = decodeRrd(cut);
    expect(messages).toHaveLength(whole.messages.length - 1);
    expect(errors.map((e) => e.code)).toEqual(['rrd-truncated']);
  });

  it('reports a garbled message, skips it and goes on', () => {
    const garbled = bytes.slice();
    const second = whole.messages[2]!.offset; // an ArrowMsg
    garbled.fill(0xff, second + 16 + 5, second + 16 + 40);
    const { messages, errors } = decodeRrd(garbled);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.code).toBe('rrd-bad-message');
    expect(errors[0]!.offset).toBe(second);
    expect(messages).toHaveLength(whole.messages.length - 1);
  });

  it('rejects what is not an RRD, and old RRDs, with clear errors', () => {
    expect(decodeRrd(new TextEncoder().encode('hello world, not rrd')).errors[0]!.code).toBe('rrd-not-rrd');
    const old = bytes.slice(0, 12);
    old[3] = 0x31; // RRF1
    expect(decodeRrd(old).errors[0]!.code).toBe('rrd-old-version');
    const ancient = bytes.slice(0, 12);
    ancient[5] = 22; // 0.22
    expect(decodeRrd(ancient).errors[0]!.message).toMatch(/0\.23 and newer/);
  });

  it('decompresses LZ4 ArrowMsgs (lz4js-compressed blocks) to the same chunks', () => {
    const lz4 = lz4Recording(whole.messages);
    const { messages, errors } = decodeRrd(lz4);
    expect(errors).toEqual([]);
    expect(summary(messages)).toEqual(summary(whole.messages));
    expect(
      messages.filter((m) => m.kind === 'arrow_msg').every((m) => m.proto.compression === Compression.LZ4),
    ).toBe(true);
  });

  it('reports a bad LZ4 block as a typed error and goes on', () => {
    const arrows = whole.messages.filter((m) => m.kind === 'arrow_msg');
    const bad = lz4Recording(whole.messages, (proto, i) => {
      if (i === 0) proto.uncompressedSize += 1n; // decompresses short
      if (i === 1) proto.payload = proto.payload.subarray(0, proto.payload.length - 9); // truncated
      if (i === 2) proto.payload = new Uint8Array([0x0f, 0xff, 0xff]); // match before the start
    });
    const { messages, errors } = decodeRrd(bad);
    expect(errors.map((e) => e.code)).toEqual(['rrd-bad-message', 'rrd-bad-message', 'rrd-bad-message']);
    expect(errors.every((e) => e instanceof RrdDecodeError && /LZ4/.test(e.message))).toBe(true);
    expect(errors.every((e) => (e.cause as Error).name === 'Lz4BlockError')).toBe(true);
    expect(messages.filter((m) => m.kind === 'arrow_msg')).toHaveLength(arrows.length - 3);
  });

  it('never throws on random or mutated input, only reports typed errors (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 600 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 20 }),
        fc.boolean(),
        (random, mutations, useRecording) => {
          const input = useRecording ? bytes.slice() : random;
          if (useRecording) for (const [at, v] of mutations) input[at % input.length] = v;
          const decoder = new RrdDecoder();
          decoder.push(input);
          decoder.end();
          for (const e of decoder.errors) {
            expect(e).toBeInstanceOf(RrdDecodeError);
            expect(e).toBeInstanceOf(CamstreamError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("keeps no reference to the caller's buffer (a reader may reuse it)", () => {
    const piece = new Uint8Array(97);
    const decoder = new RrdDecoder();
    const messages: DecodedMessage[] = [];
    for (let at = 0; at < bytes.length; at += piece.length) {
      const n = Math.min(piece.length, bytes.length - at);
      piece.set(bytes.subarray(at, at + n));
      messages.push(...decoder.push(piece.subarray(0, n)));
      piece.fill(0xee); // the reader reuses its buffer
    }
    decoder.end();
    expect(decoder.errors).toEqual([]);
    expect(summary(messages)).toEqual(summary(whole.messages));
  });

  it('reports a footer cut short', () => {
    const end = new Uint8Array(16 + 10);
    const { errors } = decodeRrd(new Uint8Array([...bytes, ...end]));
    expect(errors.map((e) => e.code)).toEqual(['rrd-truncated']);
  });
});
