// A page that encodes core's test pattern with BrowserLiveEncoder (served by Vite, source-first; see
// ../browser-live.e2e.test.ts). The test passes the @ffmpeg/core asset URLs; nothing here is mocked.
import { testPattern } from '@camstream/core';
import {
  BrowserLiveEncoder,
  type BrowserLiveEncoderStats,
  EncoderError,
} from '@camstream/encoder-wasm/browser';

/** What the test asks for. */
export interface EncodeRequest {
  readonly coreURL: string;
  readonly wasmURL: string;
  readonly frames: number;
  readonly gop: number;
  readonly segmentFrames?: number;
  /** Give frames at the frame rate (as a camera would) instead of as fast as the encoder takes them. */
  readonly paced?: boolean;
  /** Give every frame in one synchronous loop with `whenFull: 'drop-oldest'` (no awaiting). */
  readonly flood?: boolean;
  /** Frame indexes to call requestKeyframe() before. */
  readonly keyframeAt?: readonly number[];
}

/** What the page returns: the samples (base64) and the encoder's counters. */
export interface EncodeResult {
  readonly isolated: boolean;
  readonly samples: { readonly data: string; readonly pts: string; readonly isKeyframe: boolean }[];
  readonly stats: BrowserLiveEncoderStats;
  readonly encodeMs: number;
  /** Median time from `encode()` to the frame's sample, ms (a measurement for the README, never asserted). */
  readonly medianLatencyMs: number;
}

export interface EncoderPageWindow {
  encoderPageReady: boolean;
  encodePattern(request: EncodeRequest): Promise<EncodeResult>;
  /** Opens an encoder that must fail; its error's code and message. */
  openError(request: EncodeRequest): Promise<{ code: string; message: string }>;
  /** Opens an encoder, gives it 5 frames and keeps it open (to see its worker). */
  startAndHold(request: EncodeRequest): Promise<void>;
  /** Aborts the held encoder; the error code `samples()` ended with. */
  abortHeld(): Promise<{ code: string; framesIn: number }>;
}

const WIDTH = 320;
const HEIGHT = 240;
const FPS = 30;

function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function open(request: EncodeRequest): Promise<BrowserLiveEncoder> {
  return BrowserLiveEncoder.open({
    coreURL: request.coreURL,
    wasmURL: request.wasmURL,
    width: WIDTH,
    height: HEIGHT,
    fpsNum: FPS,
    preset: 'veryfast',
    gop: request.gop,
    whenFull: request.flood ? 'drop-oldest' : 'wait',
    ...(request.segmentFrames === undefined ? {} : { segmentFrames: request.segmentFrames }),
  });
}

const w = window as unknown as EncoderPageWindow;
w.encodePattern = async (request) => {
  const encoder = await open(request);
  const samples: EncodeResult['samples'] = [];
  const sentAt = new Map<bigint, number>();
  const latencies: number[] = [];
  const collecting = (async () => {
    for await (const s of encoder.samples()) {
      latencies.push(performance.now() - (sentAt.get(s.pts) ?? Number.NaN));
      samples.push({ data: base64(s.data), pts: String(s.pts), isKeyframe: s.isKeyframe });
    }
  })();
  const t0 = performance.now();
  const keyframeAt = new Set(request.keyframeAt ?? []);
  // Rendered up front so a flood's loop is only encode() calls.
  const frames = [...testPattern({ width: WIDTH, height: HEIGHT, fpsNum: FPS, frames: request.frames })];
  for (const frame of frames) {
    if (keyframeAt.has(frame.index)) encoder.requestKeyframe();
    if (request.paced) {
      const due = t0 + (frame.index * 1000) / FPS;
      if (performance.now() < due) await new Promise((r) => setTimeout(r, due - performance.now()));
    }
    sentAt.set(frame.pts, performance.now());
    if (request.flood) void encoder.encode(frame);
    else await encoder.encode(frame);
  }
  await encoder.close();
  await collecting;
  const encodeMs = performance.now() - t0;
  latencies.sort((a, b) => a - b);
  const medianLatencyMs = latencies[Math.floor(latencies.length / 2)] ?? Number.NaN;
  return { isolated: crossOriginIsolated, samples, stats: encoder.stats(), encodeMs, medianLatencyMs };
};
w.openError = async (request) => {
  try {
    const encoder = await open(request);
    await encoder.close();
    return { code: 'none', message: '' };
  } catch (error) {
    return error instanceof EncoderError
      ? { code: error.code, message: error.message }
      : { code: 'not an EncoderError', message: String(error) };
  }
};
let held: { encoder: BrowserLiveEncoder; collecting: Promise<void> } | undefined;
w.startAndHold = async (request) => {
  const encoder = await open(request);
  const collecting = (async () => {
    for await (const _ of encoder.samples()) {
      // drained only to observe how the stream ends
    }
  })();
  collecting.catch(() => {});
  for (const frame of testPattern({ width: WIDTH, height: HEIGHT, fpsNum: FPS, frames: 5 }))
    await encoder.encode(frame);
  held = { encoder, collecting };
};
w.abortHeld = async () => {
  if (!held) throw new Error('startAndHold() first');
  const { encoder, collecting } = held;
  encoder.abort('test');
  try {
    await collecting;
    return { code: 'none', framesIn: encoder.stats().framesIn };
  } catch (error) {
    return {
      code: error instanceof EncoderError ? error.code : String(error),
      framesIn: encoder.stats().framesIn,
    };
  }
};
w.encoderPageReady = true;
