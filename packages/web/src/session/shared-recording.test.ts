import { decodeRrd, MemorySink } from '@camstream/core';
import { describe, expect, it, vi } from 'vitest';
import type { WebError } from '../errors.js';
import { CaptureSession } from './capture-session.js';
import { claimCameraSlot, SharedRecording } from './shared-recording.js';

/** A Sink whose writes fail. */
function failingSink(): MemorySink {
  const sink = new MemorySink();
  sink.write = () => {
    throw new Error('socket gone');
  };
  return sink;
}

/** The recording's chunks: entity, static or not, and the values of `time` and `log_time`. */
function chunksOf(sink: MemorySink) {
  const { messages, errors } = decodeRrd(sink.bytes());
  expect(errors).toEqual([]);
  return messages.flatMap((m) =>
    m.kind === 'arrow_msg'
      ? [
          {
            entity: m.chunk.entityPath,
            isStatic: m.chunk.isStatic,
            recordingId: m.storeId?.recordingId,
            time: m.chunk.timelines.find((t) => t.name === 'time')?.values ?? [],
            logTime: m.chunk.timelines.find((t) => t.name === 'log_time')?.values ?? [],
          },
        ]
      : [],
  );
}

const member = { stop: async () => undefined, fail: () => undefined };
const sample = new Uint8Array([0, 0, 0, 1, 0x41, 0x9a, 0x00]);

describe('SharedRecording', () => {
  it('logs each camera on its own entity of one recording, on one timeline, with log_time the capture wall clock', () => {
    const sink = new MemorySink();
    const recording = new SharedRecording({ sinks: [sink], recordingId: 'desk' });
    const front = claimCameraSlot(recording, 'cameras/front', member);
    const rear = claimCameraSlot(recording, 'cameras/rear', member);
    const frontRun = front.open(true);
    const rearRun = rear.open(false);
    expect(frontRun).toMatchObject({ recordingId: 'desk', entityPath: 'cameras/front', newRecording: false });
    frontRun.logSample(
      sample,
      0n,
      { atMs: 1_000 },
      {
        latencyMs: 12,
        frameBytes: 7,
        bitrate: 8_000,
        fps: 30,
        droppedFrames: 1,
      },
    );
    rearRun.logSample(sample, 40_000_000n, { atMs: 1_040 });
    const chunks = chunksOf(sink);
    expect(new Set(chunks.map((c) => c.recordingId))).toEqual(new Set(['desk']));
    expect(chunks.filter((c) => c.isStatic).map((c) => c.entity)).toEqual([
      '/cameras/front',
      '/cameras/rear',
    ]);
    const temporal = chunks.filter((c) => !c.isStatic);
    expect(temporal.map((c) => c.entity)).toEqual([
      '/cameras/front',
      '/stats/cameras/front/encode_latency_ms',
      '/stats/cameras/front/frame_bytes',
      '/stats/cameras/front/bitrate_kbps',
      '/stats/cameras/front/fps',
      '/stats/cameras/front/dropped_frames',
      '/cameras/rear',
    ]);
    expect(temporal.map((c) => c.time[0])).toEqual([0n, 0n, 0n, 0n, 0n, 0n, 40_000_000n]);
    const wall = (ms: number) => BigInt(Math.round((performance.timeOrigin + ms) * 1000)) * 1000n;
    expect(temporal[0]?.logTime).toEqual([wall(1_000)]);
    expect(temporal.at(-1)?.logTime).toEqual([wall(1_040)]);
    // A stamped frame's wall clock (the time drawn into its picture) is its log_time.
    rearRun.logSample(sample, 80_000_000n, { atMs: 1_080, wallClockMs: 1_760_000_123_456 });
    expect(chunksOf(sink).at(-1)?.logTime).toEqual([1_760_000_123_456_000_000n]);
  });

  it('keeps the recording when a camera leaves, and a camera’s run after a switch logs on into it', async () => {
    const sink = new MemorySink();
    const recording = new SharedRecording({ sinks: [sink] });
    const front = claimCameraSlot(recording, 'cameras/front', member);
    const rear = claimCameraSlot(recording, 'cameras/rear', member);
    const first = front.open(false);
    const rearRun = rear.open(false);
    first.logSample(sample, 0n, { atMs: 0 });
    await first.close();
    first.logSample(sample, 1n, { atMs: 1 });
    expect(first.closed).toBe(true);
    // The switch: a new run on the same entity, the same recording, the same clock.
    const second = front.open(false);
    expect(second.clock).toBe(first.clock);
    second.logSample(sample, 50_000_000n, { atMs: 50 });
    await rearRun.close();
    rear.release();
    expect(recording.entityPaths).toEqual(['cameras/front']);
    expect(recording.closed).toBe(false);
    const video = chunksOf(sink).filter((c) => !c.isStatic);
    expect(video.map((c) => [c.entity, c.time[0]])).toEqual([
      ['/cameras/front', 0n],
      ['/cameras/front', 50_000_000n],
    ]);
  });

  it('refuses a second camera on an entity (or under one) until the first session is disposed', async () => {
    const recording = new SharedRecording({ sinks: [new MemorySink()] });
    const first = await CaptureSession.create({ recording, entityPath: 'cameras/front' });
    expect(first.entityPath).toBe('cameras/front');
    await expect(CaptureSession.create({ recording, entityPath: 'cameras/front' })).rejects.toMatchObject({
      code: 'invalid-argument',
      message: expect.stringMatching(/"cameras\/front" is already the entity of another camera/),
    });
    await expect(CaptureSession.create({ recording, entityPath: 'cameras' })).rejects.toThrow(
      /is the parent of "cameras\/front"/,
    );
    await first.dispose();
    const again = await CaptureSession.create({ recording, entityPath: 'cameras/front' });
    expect(recording.entityPaths).toEqual(['cameras/front']);
    await recording.close();
    expect(recording.closed).toBe(true);
    // A session of a closed recording cannot start, and no new camera joins it.
    await expect(again.start()).rejects.toMatchObject({
      code: 'invalid-state',
      message: expect.stringMatching(/closed/),
    });
    expect(again.state).toBe('idle');
    await expect(CaptureSession.create({ recording, entityPath: 'cameras/rear' })).rejects.toMatchObject({
      code: 'invalid-state',
    });
  });

  it('stops its sessions on close(), then closes the sinks', async () => {
    const sink = new MemorySink();
    const closed = vi.spyOn(sink, 'close');
    const recording = new SharedRecording({ sinks: [sink] });
    const order: string[] = [];
    claimCameraSlot(recording, 'a', {
      stop: async () => {
        order.push('stop a');
      },
      fail: () => undefined,
    });
    closed.mockImplementation(() => {
      order.push('sink closed');
    });
    await recording.close();
    await recording.close();
    expect(order).toEqual(['stop a', 'sink closed']);
  });

  it('reports a sink that failed at once, and refuses to open with no sink left', async () => {
    const good = new MemorySink();
    const recording = new SharedRecording({ sinks: [failingSink(), good] });
    const events: string[] = [];
    recording.addEventListener('sink-failed', (e) => events.push(`sink-failed: ${e.detail.message}`));
    recording.addEventListener('error', (e) => events.push(`error: ${e.detail.code}`));
    const failures: WebError[] = [];
    const slot = claimCameraSlot(recording, 'a', {
      stop: async () => undefined,
      fail: (e) => failures.push(e),
    });
    // The store info already failed on the first sink (told once the constructor returned); the second records.
    await Promise.resolve();
    expect(events).toEqual(['sink-failed: a sink stopped: socket gone; the other sinks go on']);
    slot.open(false).logSample(sample, 0n, { atMs: 0 });
    expect(good.messageCount).toBeGreaterThan(1);
    expect(failures).toEqual([]);

    expect(() => new SharedRecording({ sinks: [failingSink()] })).toThrow(
      /every sink failed, the last: socket gone/,
    );
  });

  it('when its last sink fails later, says so and stops each camera with the error', () => {
    const sink = new MemorySink();
    const recording = new SharedRecording({ sinks: [sink] });
    const errors: string[] = [];
    recording.addEventListener('error', (e) => errors.push(e.detail.code));
    const failures: string[] = [];
    const slot = claimCameraSlot(recording, 'a', {
      stop: async () => undefined,
      fail: (e) => failures.push(e.message),
    });
    const run = slot.open(false);
    sink.write = () => {
      throw new Error('socket gone');
    };
    run.logSample(sample, 0n, { atMs: 0 });
    expect(errors).toEqual(['sink-failed']);
    expect(failures).toEqual(['every sink failed, the last: socket gone']);
    expect(recording.closed).toBe(true);
    expect(run.closed).toBe(true);
    expect(() => claimCameraSlot(recording, 'b', member)).toThrow(/closed/);
  });

  it('checks its options', () => {
    expect(() => new SharedRecording({ sinks: [] })).toThrow(/non-empty array of Sinks/);
    expect(() => new SharedRecording({ sinks: [() => new MemorySink()] as never })).toThrow(/not factories/);
    expect(() => new SharedRecording({ sinks: [new MemorySink()], applicationId: 'a.b' })).toThrow(
      /applicationId "a\.b" contains "\."/,
    );
    expect(() => new SharedRecording({ sinks: [new MemorySink()], timeline: 'log_time' })).toThrow(
      /other than "log_time"/,
    );
  });
});
