import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
// Core only WRITES the recording here; it is imported from the checkout by path because this package depends
// on no workspace package. The reader under test imports nothing of core.
import {
  decodeRrd,
  perGop,
  RecordingStream,
  Scalars,
  VideoCodec,
  VideoStream,
} from '../../../packages/core/src/index.js';
import { FileSink } from '../../../packages/core/src/node.js';
import { concatBytes } from './bytes.js';
import { lz4jsCompress } from './lz4.js';
import { messageHeader } from './rrd.js';
import { readRrdVideo } from './rrd-reader.js';
import { tempDir } from './temp-dir.js';

const dir = tempDir('camstream-rrd-reader-');

const RECORDING_ID = 'rrd-reader-recording';
// Known bytes, not real H.264: the reader must hand back exactly these. Two GOPs so that chunks hold several rows.
const SAMPLES = [
  { data: Uint8Array.of(0, 0, 0, 1, 0x67, 1, 2, 3), keyframe: true },
  { data: Uint8Array.of(0, 0, 0, 1, 0x41, 9), keyframe: false },
  { data: Uint8Array.of(0xff, 0x00, 0x7f), keyframe: false },
  { data: Uint8Array.of(0, 0, 0, 1, 0x65, 4, 5, 6, 7, 8), keyframe: true },
  { data: new Uint8Array(300).map((_, i) => (i * 7) & 0xff), keyframe: false },
];
const TIMES = [0n, 33_333_333n, 66_666_667n, 100_000_000n, 9_007_199_254_740_993n];

async function writeRecording(path: string, codec: VideoCodec): Promise<Uint8Array> {
  const rec = new RecordingStream({
    applicationId: 'rrd-reader',
    recordingId: RECORDING_ID,
    batching: perGop(),
    sinks: [new FileSink(path)],
  });
  rec.log('video_stream', new VideoStream({ codec }), { static: true });
  SAMPLES.forEach((sample, i) => {
    rec.setTime('time', { duration: TIMES[i]! });
    rec.log('video_stream', VideoStream.fromFields({ sample: sample.data, isKeyframe: sample.keyframe }));
    rec.log('stats/bytes', new Scalars(sample.data.length));
  });
  await rec.close();
  return new Uint8Array(readFileSync(path));
}

const varint = (value: number): number[] => {
  const out: number[] = [];
  for (; value >= 0x80; value = Math.floor(value / 128)) out.push((value % 128) | 0x80);
  return [...out, value];
};
const lengthDelimited = (field: number, bytes: Uint8Array) =>
  concatBytes([Uint8Array.of(...varint((field << 3) | 2), ...varint(bytes.length)), bytes]);
const utf8 = (text: string) => new TextEncoder().encode(text);

/** `stream` with every ArrowMsg re-encoded LZ4-compressed, as Rerun's own SDKs write them. */
function withLz4ArrowMsgs(stream: Uint8Array): Uint8Array {
  const parts = [stream.subarray(0, 12)];
  for (const message of decodeRrd(stream).messages) {
    if (message.kind !== 'arrow_msg') {
      const length = Number(
        new DataView(stream.buffer, stream.byteOffset).getBigUint64(message.offset + 8, true),
      );
      parts.push(stream.subarray(message.offset, message.offset + 16 + length));
      continue;
    }
    const ipc = message.proto.payload;
    const compressed = lz4jsCompress(ipc)!;
    const storeId = concatBytes([
      Uint8Array.of(0x08, 1), // kind = 1 RECORDING
      lengthDelimited(2, utf8(message.storeId.recordingId)),
      lengthDelimited(3, lengthDelimited(1, utf8(message.storeId.applicationId))),
    ]);
    const arrowMsg = concatBytes([
      lengthDelimited(1, storeId),
      Uint8Array.of(0x10, 2, 0x18, ...varint(ipc.length), 0x20, 1), // compression LZ4, uncompressed_size, ARROW_IPC
      lengthDelimited(5, compressed),
    ]);
    parts.push(messageHeader(2, arrowMsg.length), arrowMsg);
  }
  return concatBytes(parts);
}

describe('readRrdVideo', () => {
  let h264: Uint8Array;
  beforeAll(async () => {
    h264 = await writeRecording(join(dir, 'h264.rrd'), VideoCodec.H264);
  });

  it("reads back the recording id, codec, samples and 'time' values core wrote", () => {
    const video = readRrdVideo(h264);
    expect(video.recordingId).toBe(RECORDING_ID);
    expect(video.codec).toBe(0x61766331);
    expect(video.samples).toEqual(SAMPLES.map((s) => s.data));
    expect(video.times).toEqual(TIMES);
    expect(video.entities).toEqual(['/stats/bytes', '/video_stream']);
  });

  it('reads the codec of an H.265 recording', async () => {
    const h265 = await writeRecording(join(dir, 'h265.rrd'), VideoCodec.H265);
    expect(readRrdVideo(h265).codec).toBe(0x68657631);
  });

  it('selects the entity asked for, with or without a leading slash', () => {
    const stats = readRrdVideo(h264, 'stats/bytes');
    expect(stats).toEqual({
      recordingId: RECORDING_ID,
      codec: undefined,
      samples: [],
      times: [],
      entities: ['/stats/bytes', '/video_stream'],
    });
    expect(readRrdVideo(h264, 'video_stream').samples).toHaveLength(SAMPLES.length);
  });

  it('reads LZ4-compressed ArrowMsgs', () => {
    const lz4 = withLz4ArrowMsgs(h264);
    expect(lz4.length).toBeLessThan(h264.length);
    expect(readRrdVideo(lz4)).toEqual(readRrdVideo(h264));
  });

  it('reads concatenated streams', () => {
    const twice = new Uint8Array(h264.length * 2);
    twice.set(h264);
    twice.set(h264, h264.length);
    expect(readRrdVideo(twice).times).toEqual([...TIMES, ...TIMES]);
  });

  it('throws a clear error for a file cut inside a message or a header', () => {
    expect(() => readRrdVideo(h264.subarray(0, h264.length - 5))).toThrow(
      /^truncated \.rrd: the message at offset \d+ \(kind 2\) claims \d+ bytes, \d+ are left$/,
    );
    expect(() => readRrdVideo(h264.subarray(0, 12 + 7))).toThrow(
      'truncated .rrd: 7 bytes at offset 12, a MessageHeader is 16',
    );
    expect(() => readRrdVideo(h264.subarray(0, 5))).toThrow(
      'truncated .rrd: 5 bytes at offset 0, a StreamHeader is 12',
    );
  });

  it('refuses bytes that are not an RRD stream', () => {
    expect(() => readRrdVideo(new TextEncoder().encode('RIFF0000WAVEfmt '))).toThrow(
      'not an .rrd stream at offset 0: FourCC "RIFF"',
    );
  });
});
