// Test helpers (not exported from the package): recordings, a raw gRPC-web reader.
import { request } from 'node:http';
import { fromBinary } from '@bufbuild/protobuf';
import {
  type BatchingPolicy,
  type EncodedMessage,
  frameTime,
  IMMEDIATE,
  RecordingStream,
  Scalars,
  type Sink,
  type SinkFailure,
  VideoCodec,
  VideoStream,
} from '@camstream/core';
import { type ReadMessagesResponse, ReadMessagesResponseSchema } from '@camstream/core/wire';
import { expect } from 'vitest';

/** A fake H.264 sample: IDR for keyframes, P slice otherwise (enough for the keyframe parser). */
export function fakeSample(i: number, keyframe: boolean): Uint8Array {
  return keyframe
    ? new Uint8Array([
        0,
        0,
        0,
        1,
        0x67,
        0x42,
        0,
        0x1e,
        0,
        0,
        0,
        1,
        0x68,
        0xce,
        0,
        0,
        0,
        1,
        0x65,
        0x88,
        i & 255,
      ])
    : new Uint8Array([0, 0, 0, 1, 0x41, 0x9a, i & 255]);
}

/**
 * A recording into `sinks` with the video codec logged as static data. Each sink gets one message per log call
 * (`IMMEDIATE`), which these tests count, or with `ownBatching` its own `batching`.
 */
export function videoRecording(
  sinks: Sink[],
  recordingId = 'rec',
  { ownBatching = false }: { ownBatching?: boolean } = {},
): RecordingStream {
  const rec = new RecordingStream({ applicationId: 'camstream_test', recordingId });
  for (const sink of sinks) rec.addSink(sink, ownBatching ? {} : { batching: IMMEDIATE });
  rec.log('video', new VideoStream({ codec: VideoCodec.H264 }), { static: true });
  return rec;
}

/** Logs frame `i` (keyframe every `gop`) and a scalar at the same time. */
export function logFrame(rec: RecordingStream, i: number, gop = 10): void {
  rec.setTime('time', { duration: frameTime(i, 30) });
  rec.log('video', VideoStream.fromFields({ sample: fakeSample(i, i % gop === 0) }));
  rec.log('stats/fps', new Scalars(i));
}

/** Collects every EncodedMessage a recording makes. */
export class CollectSink implements Sink {
  readonly messages: EncodedMessage[] = [];
  readonly batching?: BatchingPolicy;
  /** `batching`: the policy to ask for, e.g. another sink's, to receive the same messages as it. */
  constructor(batching?: BatchingPolicy) {
    if (batching !== undefined) this.batching = batching;
  }
  write(message: EncodedMessage): void {
    this.messages.push(message);
  }
  flush(): void {}
  close(): void {}
}

/** One gRPC-web frame: data (a ReadMessagesResponse) or the trailer. */
export type GrpcWebFrame = { data: Uint8Array } | { trailer: string };

/** A ReadMessages call over gRPC-web on HTTP/1.1, as the web viewer makes it. */
export interface GrpcWebRead {
  readonly status: Promise<number>;
  readonly headers: Promise<Record<string, string | string[] | undefined>>;
  readonly frames: GrpcWebFrame[];
  /** `performance.now()` when each frame of {@link GrpcWebRead.frames} arrived. */
  readonly arrivals: number[];
  /** Waits until `n` frames have arrived (or the stream ended). */
  waitFor(n: number, timeoutMs?: number): Promise<GrpcWebFrame[]>;
  readonly ended: Promise<void>;
  abort(): void;
}

/** Starts a gRPC-web ReadMessages call (body `00 00 00 00 00`), parsing frames as they arrive. */
export function readGrpcWeb(port: number, extraHeaders: Record<string, string> = {}): GrpcWebRead {
  const frames: GrpcWebFrame[] = [];
  const arrivals: number[] = [];
  let buffer = Buffer.alloc(0);
  let wake: () => void = () => {};
  let done = false;
  let resolveStatus!: (n: number) => void;
  let resolveHeaders!: (h: Record<string, string | string[] | undefined>) => void;
  let resolveEnded!: () => void;
  const status = new Promise<number>((r) => {
    resolveStatus = r;
  });
  const headers = new Promise<Record<string, string | string[] | undefined>>((r) => {
    resolveHeaders = r;
  });
  const ended = new Promise<void>((r) => {
    resolveEnded = r;
  });
  const req = request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/rerun.sdk_comms.v1alpha1.MessageProxyService/ReadMessages',
    headers: {
      'content-type': 'application/grpc-web+proto',
      accept: 'application/grpc-web+proto',
      'x-grpc-web': '1',
      ...extraHeaders,
    },
  });
  const finish = () => {
    done = true;
    resolveEnded();
    wake();
  };
  req.on('response', (res) => {
    resolveStatus(res.statusCode ?? 0);
    resolveHeaders(res.headers);
    res.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 5) {
        const length = buffer.readUInt32BE(1);
        if (buffer.length < 5 + length) break;
        const body = buffer.subarray(5, 5 + length);
        frames.push(
          buffer[0] === 0x80 ? { trailer: body.toString('latin1') } : { data: Uint8Array.from(body) },
        );
        arrivals.push(performance.now());
        buffer = buffer.subarray(5 + length);
      }
      wake();
    });
    res.on('close', finish);
  });
  req.on('error', finish);
  req.end(Buffer.alloc(5));
  return {
    status,
    headers,
    frames,
    arrivals,
    ended,
    abort: () => req.destroy(),
    async waitFor(n, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (frames.length < n && !done) {
        if (Date.now() > deadline) throw new Error(`only ${frames.length} of ${n} gRPC-web frames arrived`);
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 50);
        });
      }
      return frames;
    },
  };
}

/** Decodes the data frames of a gRPC-web read. */
export function responses(frames: readonly GrpcWebFrame[]): ReadMessagesResponse[] {
  return frames.flatMap((f) => ('data' in f ? [fromBinary(ReadMessagesResponseSchema, f.data)] : []));
}

/** A recording into a sink under test and a {@link CollectSink} copy, with every sink failure it reported. */
export interface FailingRun {
  readonly rec: RecordingStream;
  readonly copy: CollectSink;
  readonly failures: SinkFailure[];
  /** How many frames were logged when the first failure came. */
  readonly logged: number;
}

/**
 * Records into `sink` and a copy, logging a frame every few ms until a sink fails (generous deadline: the
 * machine may be busy).
 */
export async function logUntilSinkFails(sink: Sink): Promise<FailingRun> {
  const copy = new CollectSink();
  const failures: SinkFailure[] = [];
  const rec = new RecordingStream({
    applicationId: 'camstream_test',
    sinks: [sink, copy],
    onSinkError: (f) => failures.push(f),
  });
  rec.log('video', new VideoStream({ codec: VideoCodec.H264 }), { static: true });
  const deadline = Date.now() + 15_000;
  let logged = 0;
  while (failures.length === 0) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the sink to fail');
    logFrame(rec, logged++, 10);
    await new Promise((r) => setTimeout(r, 5));
  }
  return { rec, copy, failures, logged };
}

/** How many video frames (not the static codec chunk) a {@link CollectSink} got. */
export function videoFrameCount(copy: CollectSink): number {
  return copy.messages.filter((m) => m.entityPath === '/video' && !m.isStatic).length;
}

/**
 * Checks that `sink` gave up alone, as unreachable once its buffer overflowed: one failure, and the copy gets
 * every frame, also the 10 logged after it.
 */
export async function expectGaveUpUnreachable(sink: Sink, run: FailingRun): Promise<void> {
  const { rec, copy, failures, logged } = run;
  expect(failures).toHaveLength(1);
  expect(failures[0]!.sink).toBe(sink);
  expect(failures[0]!.error).toMatchObject({
    code: 'peer-unreachable',
    message: expect.stringMatching(
      /unreachable for \d+ s and the buffer overflowed \(\d+ messages dropped\)/,
    ),
  });
  for (let i = logged; i < logged + 10; i++) logFrame(rec, i, 10);
  await rec.close();
  expect(failures).toHaveLength(1);
  expect(videoFrameCount(copy)).toBe(logged + 10);
}
