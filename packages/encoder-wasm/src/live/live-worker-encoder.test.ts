import { type RawFrame, renderTestPattern } from '@camstream/core/media';
import { describe, expect, it } from 'vitest';
import { EncoderError } from '../errors.js';
import { resolveOptions } from '../options.js';
import type { LiveWorkerMessage } from './live-protocol.js';
import type { LiveSession } from './live-session.js';
import { LiveWorkerEncoder, type LiveWorkerEvents, type LiveWorkerLink } from './live-worker-encoder.js';

const SIZE = { width: 16, height: 16, fpsNum: 30 } as const;
const frame = (i: number): RawFrame => renderTestPattern(SIZE, i);

/** A link to no worker: the test plays the worker through `events`, the session's frames are taken on pump. */
class FakeLink implements LiveWorkerLink {
  events: LiveWorkerEvents | undefined;
  pumps = 0;
  released = 0;
  constructor(private readonly session: LiveSession) {}
  connect(events: LiveWorkerEvents): void {
    this.events = events;
  }
  pump(): void {
    this.pumps++;
    this.session.take(this.session.queued);
  }
  release(): void {
    this.released++;
  }
  say(message: LiveWorkerMessage): void {
    this.events?.message(message);
  }
}

class TestEncoder extends LiveWorkerEncoder {
  fake!: FakeLink;

  /** Opens an encoder over a fake link; `open` resolves once the test says `ready`. */
  static opening(signal?: AbortSignal): { encoder: TestEncoder; open: Promise<void> } {
    let link!: FakeLink;
    const encoder = new TestEncoder({
      options: resolveOptions(SIZE),
      maxQueuedFrames: 2,
      whenFull: 'drop-oldest',
      onDrop: undefined,
      firstSliceOnly: false,
      link: (session) => {
        link = new FakeLink(session);
        return link;
      },
    });
    encoder.fake = link;
    return { encoder, open: encoder.start(signal) };
  }

  get endedRuns(): number {
    return this.runsEnded;
  }
}

async function opened(): Promise<TestEncoder> {
  const { encoder, open } = TestEncoder.opening();
  encoder.fake.say({ type: 'ready', warmupMs: 12 });
  await open;
  return encoder;
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('LiveWorkerEncoder', () => {
  it('opens when the worker is ready, pumps on encode and on every frame end, counts runs', async () => {
    const encoder = await opened();
    expect(encoder.stats()).toMatchObject({ warmupMs: 12, framesIn: 0 });
    encoder.encode(frame(0));
    expect(encoder.fake.pumps).toBe(1);
    encoder.fake.say({ type: 'frame-end', consumed: 1 });
    expect(encoder.fake.pumps).toBe(2);
    expect(encoder.stats().framesConsumed).toBe(1);
    encoder.fake.say({ type: 'run-end', exitCode: 0, logTail: [], restart: true, runMs: 1 });
    expect(encoder.fake.pumps).toBe(3);
    encoder.fake.say({
      type: 'segment-done',
      bytes: new Uint8Array(0),
      count: 0,
      exitCode: 0,
      logTail: [],
      ms: 1,
    });
    expect(encoder.endedRuns).toBe(2);
  });

  it('fails open() with core-unavailable when the worker could not start, and stops it', async () => {
    const { encoder, open } = TestEncoder.opening();
    encoder.fake.say({ type: 'failed', message: 'GET /core.js answered 404' });
    const error = await failureOf(open);
    expect(error).toMatchObject({
      code: 'core-unavailable',
      message: 'could not load the ffmpeg core: GET /core.js answered 404',
    });
    expect(encoder.fake.released).toBe(1);
  });

  it('fails open() with the crash before ready; after ready a crash ends the samples', async () => {
    const early = TestEncoder.opening();
    const crash = new EncoderError('worker-crashed', 'gone');
    early.encoder.fake.events?.crash(crash);
    expect(await failureOf(early.open)).toBe(crash);

    const encoder = await opened();
    const reading = failureOf(
      (async () => {
        for await (const _ of encoder.samples());
      })(),
    );
    encoder.fake.events?.crash(crash);
    expect(await reading).toBe(crash);
    expect(() => encoder.encode(frame(0))).toThrow(crash);
  });

  it('ignores a crash after close (a worker that ends normally also exits)', async () => {
    const encoder = await opened();
    const closing = encoder.close();
    encoder.fake.say({ type: 'run-end', exitCode: 0, logTail: [], restart: false, runMs: 1 });
    await closing;
    encoder.fake.events?.crash(new EncoderError('worker-crashed', 'exited'));
    await expect(encoder.close()).resolves.toBeUndefined();
  });

  it('rejects open() with aborted when the signal fires first, also when it had fired already', async () => {
    const controller = new AbortController();
    const { encoder, open } = TestEncoder.opening(controller.signal);
    controller.abort('stop');
    expect(await failureOf(open)).toMatchObject({ code: 'aborted', cause: 'stop' });
    expect(encoder.fake.released).toBe(1);
    const gone = TestEncoder.opening(AbortSignal.abort('before'));
    expect(await failureOf(gone.open)).toMatchObject({ code: 'aborted', cause: 'before' });
  });

  it('maps a failed ffmpeg run to encoder-failed with its exit code and log tail', async () => {
    const encoder = await opened();
    encoder.fake.say({ type: 'run-end', exitCode: 1, logTail: ['x264 said no'], restart: false, runMs: 1 });
    expect(await failureOf(encoder.close())).toMatchObject({
      code: 'encoder-failed',
      exitCode: 1,
      logTail: ['x264 said no'],
    });
    const segment = await opened();
    segment.fake.say({
      type: 'segment-done',
      bytes: new Uint8Array(0),
      count: 1,
      exitCode: 2,
      logTail: [],
      ms: 1,
    });
    expect(await failureOf(segment.close())).toMatchObject({ code: 'encoder-failed', exitCode: 2 });
  });

  it('fails with encoder-failed when the last run ends with frames never encoded', async () => {
    const encoder = await opened();
    encoder.encode(frame(0));
    const closing = encoder.close();
    encoder.fake.say({ type: 'run-end', exitCode: 0, logTail: [], restart: false, runMs: 1 });
    const error = await failureOf(closing);
    expect(error).toBeInstanceOf(EncoderError);
    expect(error).toMatchObject({ code: 'encoder-failed', message: expect.stringContaining('1 frame(s)') });
  });
});
