import { type AccessUnit, type EncodedSample, type RawFrame, renderTestPattern } from '@camstream/core/media';
import { describe, expect, it } from 'vitest';
import { EncoderError } from '../errors.js';
import { resolveOptions } from '../options.js';
import { type FullQueuePolicy, LiveSession, type OutputSplitter } from './live-session.js';

const SIZE = { width: 16, height: 16, fpsNum: 30 } as const;
const frame = (i: number): RawFrame => renderTestPattern(SIZE, i);
const unit = (index: number, isKeyframe = false): AccessUnit =>
  ({ data: new Uint8Array([index]), codecString: undefined, isKeyframe, index }) as unknown as AccessUnit;

/** A session over a fake worker that takes up to `room` frames per pump and a splitter that returns `next`. */
function harness(o: { maxQueuedFrames?: number; whenFull?: FullQueuePolicy } = {}) {
  const t = {
    room: 0,
    taken: [] as { frame: RawFrame; keyframe: boolean }[],
    dropped: [] as RawFrame[],
    releases: 0,
    next: [] as AccessUnit[],
  };
  const units = (): AccessUnit[] => t.next.splice(0);
  const splitter: OutputSplitter = { push: units, endAccessUnit: units, end: units };
  const session: LiveSession = new LiveSession({
    options: resolveOptions(SIZE),
    maxQueuedFrames: o.maxQueuedFrames ?? 2,
    whenFull: o.whenFull ?? 'drop-oldest',
    onDrop: (f) => t.dropped.push(f),
    splitter,
    transport: {
      pump: () => {
        for (let f = session.peek(0); f && t.room > 0 && !session.ended; f = session.peek(0)) {
          t.taken.push({ frame: f, keyframe: session.startsKeyframe(f) });
          session.take(1);
          t.room--;
        }
      },
      release: () => t.releases++,
    },
  });
  return { session, t };
}

async function collect(samples: AsyncIterable<EncodedSample>): Promise<EncodedSample[]> {
  const out: EncodedSample[] = [];
  for await (const s of samples) out.push(s);
  return out;
}

/** Whether `promise` has settled once pending callbacks have run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setTimeout(resolve, 0));
  return done;
}

describe('LiveSession queue', () => {
  it('drop-oldest drops and counts the oldest waiting frames, calls onDrop, keeps the newest', () => {
    const { session, t } = harness({ maxQueuedFrames: 2 });
    const input = [0, 1, 2, 3].map(frame);
    for (const f of input) expect(session.encode(f)).toBeUndefined();
    expect(t.dropped).toEqual([input[0], input[1]]);
    expect(session.counters()).toMatchObject({ framesIn: 4, framesDropped: 2, queued: 2 });
    expect([session.peek(0), session.peek(1)]).toEqual([input[2], input[3]]);
  });

  it('moves a keyframe request from a dropped frame to the next queued frame', () => {
    const { session, t } = harness({ maxQueuedFrames: 1 });
    const input = [0, 1, 2].map(frame);
    session.requestKeyframe();
    session.encode(input[0] as RawFrame);
    session.encode(input[1] as RawFrame); // drops frame 0, which held the request
    expect(t.dropped).toEqual([input[0]]);
    expect(session.startsKeyframe(input[1] as RawFrame)).toBe(true);
    t.room = 2;
    session.encode(input[2] as RawFrame);
    expect(t.taken.map((x) => x.keyframe)).toEqual([true, false]);
  });

  it('keeps a keyframe request wanted when its frame was dropped and no frame was left', () => {
    const { session, t } = harness({ maxQueuedFrames: 0 });
    session.requestKeyframe();
    session.encode(frame(0));
    expect(t.dropped).toHaveLength(1);
    t.room = 1;
    session.encode(frame(1));
    expect(t.taken.map((x) => x.keyframe)).toEqual([true]);
  });

  it('wait returns a promise that resolves when a frame leaves the queue, and nothing drops', async () => {
    const { session, t } = harness({ maxQueuedFrames: 1, whenFull: 'wait' });
    expect(session.encode(frame(0))).toBeUndefined();
    const waiting = session.encode(frame(1));
    expect(waiting).toBeInstanceOf(Promise);
    expect(await settled(waiting as Promise<void>)).toBe(false);
    session.take(1);
    expect(await settled(waiting as Promise<void>)).toBe(true);
    expect(t.dropped).toEqual([]);
    expect(session.counters()).toMatchObject({ framesIn: 2, framesDropped: 0, queued: 1 });
  });

  it('wakes every waiting encode() when it fails', async () => {
    const { session } = harness({ maxQueuedFrames: 0, whenFull: 'wait' });
    const waiting = [session.encode(frame(0)), session.encode(frame(1))] as Promise<void>[];
    session.fail(new EncoderError('worker-crashed', 'gone'));
    await expect(Promise.all(waiting)).resolves.toEqual([undefined, undefined]);
    expect(session.queued).toBe(0);
  });

  it('checks frames against the options', () => {
    const { session } = harness();
    expect(() => session.encode(renderTestPattern({ ...SIZE, width: 32 }, 0))).toThrow(
      expect.objectContaining({ code: 'invalid-frame' }),
    );
    expect(session.counters().framesIn).toBe(0);
  });
});

describe('LiveSession output', () => {
  it('pairs each access unit with its input frame’s pts, in order', async () => {
    const { session, t } = harness();
    t.room = 2;
    session.encode(frame(0));
    session.encode(frame(1));
    t.next = [unit(0, true)];
    session.output(new Uint8Array(1));
    t.next = [unit(1)];
    session.endAccessUnit();
    const closing = session.close();
    session.finish();
    await closing;
    const samples = await collect(session.samples);
    expect(samples.map((s) => [s.pts, s.index, s.isKeyframe, s.codecString])).toEqual([
      [frame(0).pts, 0, true, 'avc1'],
      [frame(1).pts, 1, false, 'avc1'],
    ]);
    expect(session.counters()).toMatchObject({ samplesOut: 2, framesIn: 2 });
  });

  it('throws encoder-failed for a sample with no input frame left', () => {
    const { session, t } = harness();
    t.room = 1;
    session.encode(frame(0));
    t.next = [unit(0), unit(1)];
    expect(() => session.endAccessUnit()).toThrow(
      expect.objectContaining({
        code: 'encoder-failed',
        message: expect.stringMatching(/sample 1 with no input frame left/),
      }),
    );
  });

  it('fails with encoder-failed when the worker ends with frames not encoded', async () => {
    const { session, t } = harness();
    t.room = 2;
    session.encode(frame(0));
    session.encode(frame(1));
    t.next = [unit(0)];
    session.endAccessUnit();
    const closing = session.close();
    session.finish();
    await expect(closing).rejects.toMatchObject({
      code: 'encoder-failed',
      message: 'the encoder ended with 1 frame(s) not encoded',
    });
    await expect(collect(session.samples)).rejects.toBe(session.failure);
    expect(session.state).toBe('failed');
    expect(t.releases).toBe(1);
  });
});

describe('LiveSession life cycle', () => {
  it('close() pumps, refuses new frames, and resolves only after finish()', async () => {
    const { session, t } = harness();
    session.encode(frame(0));
    t.room = 1;
    const closing = session.close();
    expect(session.state).toBe('closing');
    expect(t.taken).toHaveLength(1); // close() pumped the queued frame
    expect(() => session.encode(frame(1))).toThrow(expect.objectContaining({ code: 'encoder-closed' }));
    expect(await settled(closing)).toBe(false);
    t.next = [unit(0)];
    session.finish();
    await expect(closing).resolves.toBeUndefined();
    expect(session.state).toBe('closed');
    expect(t.releases).toBe(1);
    expect(await collect(session.samples)).toHaveLength(1);
    session.abort('late');
    expect(session.state).toBe('closed');
  });

  it('abort() fails with aborted once: queue cleared, samples and close() throw, encode() refuses', async () => {
    const { session, t } = harness();
    session.encode(frame(0));
    const reading = collect(session.samples);
    session.abort('stop');
    const error = session.failure;
    expect(error).toMatchObject({ code: 'aborted', message: 'the live encoder was aborted', cause: 'stop' });
    expect(session.queued).toBe(0);
    await expect(reading).rejects.toBe(error);
    await expect(session.close()).rejects.toBe(error);
    expect(() => session.encode(frame(1))).toThrow(error as EncoderError);
    session.fail(new EncoderError('worker-crashed', 'later'));
    session.abort('again');
    expect(session.failure).toBe(error);
    expect(t.releases).toBe(1);
  });

  it('ignores a keyframe request once closing', () => {
    const { session, t } = harness();
    void session.close();
    session.requestKeyframe();
    expect(() => session.encode(frame(0))).toThrow();
    expect(t.taken).toEqual([]);
  });
});
