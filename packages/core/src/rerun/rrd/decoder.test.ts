import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CamstreamError, RrdDecodeError } from '../../errors.js';
import { Scalars, VideoStream } from '../../model/archetypes.js';
import { VideoCodec } from '../../model/codec.js';
import { RecordingStream } from '../../recording/recording-stream.js';
import { MemorySink } from '../../sinks/memory-sink.js';
import { type DecodedMessage, decodeRrd, RrdDecoder } from './decoder.js';

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

  it('reports LZ4 ArrowMsgs as unsupported compression', () => {
    const lz4 = bytes.slice();
    const first = whole.messages[1]!; // static ArrowMsg; its compression field is `10 01`
    const at = lz4.indexOf(0x10, first.offset + 16 + 2);
    expect(lz4[at + 1]).toBe(1);
    lz4[at + 1] = 2;
    const { errors } = decodeRrd(lz4);
    expect(errors.map((e) => e.code)).toEqual(['unsupported-compression']);
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
