import { afterEach, describe, expect, it, vi } from 'vitest';
import { CamstreamError, RecordingError } from '../errors.js';
import { Scalars, VideoStream } from '../model/archetypes.js';
import { VideoCodec } from '../model/codec.js';
import { decodeRrd } from '../rerun/rrd/decoder.js';
import { MemorySink } from '../sinks/memory-sink.js';
import { StreamCallbackSink } from '../sinks/stream-callback-sink.js';
import { millis } from '../time.js';
import { IMMEDIATE, microBatch, perGop } from './batching.js';
import { RecordingStream, type SinkFailure } from './recording-stream.js';

function sample(n: number, keyframe: boolean): Uint8Array {
  const bytes = new Uint8Array(100 + n);
  bytes.set([0, 0, 0, 1, keyframe ? 0x65 : 0x41], 0);
  bytes.fill(n & 0xff, 5);
  return bytes;
}

describe('RecordingStream', () => {
  it('logs a VideoStream the way the Python example does and decodes back', async () => {
    const memory = new MemorySink();
    const rec = new RecordingStream({ applicationId: 'test_app', recordingId: 'rec-1', sinks: [memory] });
    rec.log('video_stream', new VideoStream({ codec: VideoCodec.H264 }), { static: true });
    for (let i = 0; i < 5; i++) {
      rec.setTime('time', { duration: millis(i * 33) });
      rec.log('video_stream', VideoStream.fromFields({ sample: sample(i, i === 0) }));
    }
    await rec.close();
    const { messages, errors } = decodeRrd(memory.bytes());
    expect(errors).toEqual([]);
    expect(messages.map((m) => m.kind)).toEqual(['set_store_info', ...Array(6).fill('arrow_msg')]);
    const chunks = messages.flatMap((m) => (m.kind === 'arrow_msg' ? [m.chunk] : []));
    const codec = chunks[0]!;
    expect(codec.isStatic).toBe(true);
    expect(codec.entityPath).toBe('/video_stream');
    expect(codec.components[0]!.component).toBe('VideoStream:codec');
    expect(codec.components[0]!.componentType).toBe('rerun.components.VideoCodec');
    expect(codec.components[0]!.archetype).toBe('rerun.archetypes.VideoStream');
    expect(codec.components[0]!.rows).toEqual([[VideoCodec.H264]]);
    expect(codec.metadata.get('sorbet:version')).toBe('0.1.3');
    const frames = chunks.slice(1);
    expect(frames.map((c) => c.timelines.find((t) => t.name === 'time')!.values[0])).toEqual(
      [0, 33, 66, 99, 132].map((ms) => millis(ms)),
    );
    expect(frames[0]!.timelines.map((t) => `${t.name}:${t.kind}`)).toEqual([
      'log_time:timestamp',
      'time:duration',
    ]);
    const blob = frames[2]!.components[0]!.rows[0]![0];
    expect([...(blob as Iterable<number>)]).toEqual([...sample(2, false)]);
    // RowIds and chunk ids strictly increase across the recording.
    const ids = chunks.map((c) => c.id);
    for (let i = 1; i < ids.length; i++) {
      const [a, b] = [ids[i - 1]!, ids[i]!];
      expect(b.timeNs > a.timeNs || (b.timeNs === a.timeNs && b.inc > a.inc)).toBe(true);
    }
  });

  it('batches one chunk per GOP with perGop()', async () => {
    const memory = new MemorySink();
    const rec = new RecordingStream({
      applicationId: 'a',
      batching: perGop(),
      sinks: [memory],
      logTime: false,
    });
    for (let i = 0; i < 9; i++) {
      rec.setTime('time', { duration: millis(i * 10) });
      rec.log('cam', VideoStream.fromFields({ sample: sample(i, i % 3 === 0), isKeyframe: i % 3 === 0 }));
      rec.log('stats/bytes', new Scalars(i));
    }
    await rec.close();
    const { messages, errors } = decodeRrd(memory.bytes());
    expect(errors).toEqual([]);
    const cam = messages.flatMap((m) =>
      m.kind === 'arrow_msg' && m.chunk.entityPath === '/cam' ? [m.chunk] : [],
    );
    expect(cam.map((c) => c.numRows)).toEqual([3, 3, 3]);
    const stats = messages.flatMap((m) =>
      m.kind === 'arrow_msg' && m.chunk.entityPath === '/stats/bytes' ? [m.chunk] : [],
    );
    expect(stats.reduce((n, c) => n + c.numRows, 0)).toBe(9);
    expect(stats[0]!.components[0]!.rows[1]).toEqual([1]);
  });

  it('hands every message to the viewer callback as a complete RRD stream', () => {
    const calls: Uint8Array[] = [];
    const rec = new RecordingStream({
      applicationId: 'a',
      sinks: [new StreamCallbackSink((b) => calls.push(b.slice()))],
    });
    rec.log('v', new VideoStream({ codec: VideoCodec.H264 }), { static: true });
    rec.setTime('time', { duration: 0n });
    rec.log('v', VideoStream.fromFields({ sample: sample(0, true) }));
    expect(calls).toHaveLength(3);
    for (const call of calls) {
      expect(String.fromCharCode(...call.subarray(0, 4))).toBe('RRF2');
      const { messages, errors } = decodeRrd(call);
      expect(errors).toEqual([]);
      expect(messages).toHaveLength(1);
    }
  });

  it('replays store info and static data to sinks added later', () => {
    const rec = new RecordingStream({ applicationId: 'a' });
    rec.log('v', new VideoStream({ codec: VideoCodec.H264 }), { static: true });
    const late = new MemorySink();
    rec.addSink(late);
    const kinds = decodeRrd(late.bytes()).messages.map((m) => m.kind);
    expect(kinds).toEqual(['set_store_info', 'arrow_msg']);
  });

  it('refuses bad input with typed errors', async () => {
    const rec = new RecordingStream({ applicationId: 'a' });
    const code = (f: () => void) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(CamstreamError);
        if ((e as CamstreamError).code !== 'unknown-codec') expect(e).toBeInstanceOf(RecordingError);
        return (e as CamstreamError).code;
      }
      return 'no error';
    };
    expect(code(() => rec.log('a//b', new Scalars(1)))).toBe('invalid-entity-path');
    expect(
      code(() => rec.log('v', VideoStream.fromFields({ sample: sample(0, true) }), { static: true })),
    ).toBe('static-video-sample');
    rec.setTime('t', { sequence: 1 });
    expect(code(() => rec.setTime('t', { duration: 1n }))).toBe('timeline-kind-changed');
    expect(code(() => rec.setTime('t', { duration: 1.5 as unknown as bigint }))).toBe('invalid-timeline');
    rec.setTime('t', { sequence: 5 });
    rec.log('v', VideoStream.fromFields({ sample: sample(0, true) }));
    rec.setTime('t', { sequence: 4 });
    expect(code(() => rec.log('v', VideoStream.fromFields({ sample: sample(1, false) })))).toBe(
      'decreasing-time',
    );
    rec.log('scalar', new Scalars(1)); // other entities may go back in time
    expect(code(() => new VideoStream({ codec: 1234 as VideoCodec }))).toBe('unknown-codec');
    expect(code(() => new RecordingStream({ applicationId: '' }))).toBe('invalid-argument');
    await rec.close();
    expect(code(() => rec.log('v', new Scalars(1)))).toBe('recording-closed');
  });

  it('refuses an application id that newer Rerun viewers would rename, naming the character', () => {
    const refusal = (applicationId: string) => {
      try {
        new RecordingStream({ applicationId });
      } catch (error) {
        return error;
      }
      return undefined;
    };
    const dotted = refusal('camstream.capture');
    expect(dotted).toBeInstanceOf(RecordingError);
    expect((dotted as RecordingError).code).toBe('invalid-argument');
    expect((dotted as RecordingError).message).toMatch(
      /^applicationId "camstream\.capture" contains "\." \(U\+002E\); allowed are ASCII letters, .*\(no dots\); expected a name such as "camstream"/,
    );
    expect((refusal('a'.repeat(181)) as RecordingError).message).toContain('181 bytes long');
    expect((refusal('') as RecordingError).message).toMatch(/^applicationId "" is empty;/);
    expect(refusal('robot_arm:front [left]')).toBeUndefined();
  });

  it('finds keyframes in the samples for per-GOP chunks when the caller does not say', async () => {
    // Real x264-shaped samples: SPS PPS IDR for keyframes, a non-IDR slice otherwise.
    const idr = Uint8Array.of(
      0,
      0,
      0,
      1,
      0x67,
      0x42,
      0xc0,
      0x1e,
      0,
      0,
      0,
      1,
      0x68,
      0xce,
      0x3c,
      0x80,
      0,
      0,
      1,
      0x65,
      0x88,
    );
    const p = Uint8Array.of(0, 0, 0, 1, 0x41, 0x9a, 0x02);
    const memory = new MemorySink();
    const rec = new RecordingStream({
      applicationId: 'a',
      batching: perGop(),
      sinks: [memory],
      logTime: false,
    });
    rec.log('a', new VideoStream({ codec: VideoCodec.H264 }), { static: true });
    rec.log('b', new VideoStream({ codec: VideoCodec.H264 }), { static: true });
    for (let i = 0; i < 12; i++) {
      rec.setTime('time', { duration: millis(i * 10) });
      // Camera a: GOP 4, python-style (no isKeyframe). Camera b: GOP 6, is_keyframe only on keyframes.
      rec.log('a', VideoStream.fromFields({ sample: i % 4 === 0 ? idr : p }));
      rec.log('b', VideoStream.fromFields(i % 6 === 0 ? { sample: idr, isKeyframe: true } : { sample: p }));
    }
    await rec.close();
    const chunks = (entity: string) =>
      decodeRrd(memory.bytes()).messages.flatMap((m) =>
        m.kind === 'arrow_msg' && m.chunk.entityPath === entity && !m.chunk.isStatic ? [m.chunk] : [],
      );
    expect(chunks('/a').map((c) => c.numRows)).toEqual([4, 4, 4]);
    expect(chunks('/b').map((c) => c.numRows)).toEqual([6, 6]);
    // The optional is_keyframe column holds nulls where it was not logged.
    const flags = chunks('/b')[0]!.components.find((c) => c.component === 'VideoStream:is_keyframe')!.rows;
    expect(flags).toEqual([[true], null, null, null, null, null]);
  });

  it('uses a log_time the user sets instead of adding a second one', async () => {
    const memory = new MemorySink();
    const rec = new RecordingStream({ applicationId: 'a', sinks: [memory] });
    rec.setTime('log_time', { timestamp: 1_700_000_000_000_000_000n });
    rec.log('s', new Scalars(1));
    await rec.close();
    const chunk = decodeRrd(memory.bytes()).messages.flatMap((m) =>
      m.kind === 'arrow_msg' ? [m.chunk] : [],
    )[0]!;
    expect(chunk.timelines.map((t) => [t.name, t.values[0]])).toEqual([
      ['log_time', 1_700_000_000_000_000_000n],
    ]);
  });

  it('refuses a video sample with no timeline, and negative video times', () => {
    const rec = new RecordingStream({ applicationId: 'a', logTime: false });
    expect(() => rec.log('v', VideoStream.fromFields({ sample: sample(0, true) }))).toThrow(/no timeline/);
    rec.setTime('time', { duration: -1n });
    expect(() => rec.log('v', VideoStream.fromFields({ sample: sample(0, true) }))).toThrow(
      expect.objectContaining({ code: 'negative-time' }),
    );
    // log_time is off, so the name is free for any kind.
    rec.setTime('log_time', { duration: 5n });
  });

  it('keeps the file intact when another sink transfers its bytes away', async () => {
    const { FileSink } = await import('../sinks/file-sink.js');
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { testTempDir } = await import('@camstream/test-helpers/temp-dir');
    const path = join(testTempDir('camstream-transfer-'), 'a.rrd');
    const rec = new RecordingStream({
      applicationId: 'a',
      sinks: [
        new FileSink(path),
        // e.g. postMessage(rrd, [rrd.buffer]) to a worker
        new StreamCallbackSink((rrd) => structuredClone(rrd, { transfer: [rrd.buffer] })),
      ],
    });
    for (let i = 0; i < 5; i++) {
      rec.setTime('time', { duration: BigInt(i) });
      rec.log('s', new Scalars(i));
    }
    await rec.close();
    const { messages, errors } = decodeRrd(new Uint8Array(readFileSync(path)));
    expect(errors).toEqual([]);
    expect(messages).toHaveLength(6);
  });

  describe('per-sink batching (decision 0010)', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    /** The temporal chunks a sink received: rows per chunk and the `time` values in order. */
    function temporal(memory: MemorySink): { rows: number[]; times: bigint[]; entities: string[] } {
      const { messages, errors } = decodeRrd(memory.bytes());
      expect(errors).toEqual([]);
      const chunks = messages.flatMap((m) => (m.kind === 'arrow_msg' && !m.chunk.isStatic ? [m.chunk] : []));
      return {
        rows: chunks.map((c) => c.numRows),
        times: chunks.flatMap((c) => c.timelines.find((t) => t.name === 'time')?.values ?? []),
        entities: chunks.map((c) => c.entityPath),
      };
    }

    function logFrames(rec: RecordingStream, n: number, from = 0): void {
      for (let i = from; i < from + n; i++) {
        rec.setTime('time', { duration: millis(i * 33) });
        rec.log('video', VideoStream.fromFields({ sample: sample(i, i % 30 === 0) }));
      }
    }

    it('gives each sink its own policy: an immediate viewer and a micro-batched file see the same rows', async () => {
      const viewer = new MemorySink();
      const file = new MemorySink();
      const rec = new RecordingStream({ applicationId: 'app', batching: IMMEDIATE });
      rec.addSink(viewer);
      rec.addSink(file, { batching: microBatch({ maxRows: 4, maxDelayMs: 60_000 }) });
      rec.log('video', new VideoStream({ codec: VideoCodec.H264 }), { static: true });
      logFrames(rec, 10);
      // Before close: the viewer has every frame, the file only full batches of 4.
      expect(temporal(viewer).rows).toEqual(Array(10).fill(1));
      expect(temporal(file).rows).toEqual([4, 4]);
      await rec.close();
      const v = temporal(viewer);
      const f = temporal(file);
      expect(f.rows).toEqual([4, 4, 2]);
      expect(f.times).toEqual(v.times);
      expect(v.times).toEqual(Array.from({ length: 10 }, (_, i) => millis(i * 33)));
      // Static data reached both, once each.
      for (const m of [viewer, file]) {
        const statics = decodeRrd(m.bytes()).messages.filter(
          (x) => x.kind === 'arrow_msg' && x.chunk.isStatic,
        );
        expect(statics).toHaveLength(1);
      }
    });

    it("takes a sink's own batching when addSink is not given one, before the stream's", async () => {
      const own = Object.assign(new MemorySink(), {
        batching: microBatch({ maxRows: 4, maxDelayMs: 60_000 }),
      });
      const told = Object.assign(new MemorySink(), {
        batching: microBatch({ maxRows: 4, maxDelayMs: 60_000 }),
      });
      const rec = new RecordingStream({ applicationId: 'app', batching: IMMEDIATE, sinks: [own] });
      rec.addSink(told, { batching: IMMEDIATE });
      rec.log('video', new VideoStream({ codec: VideoCodec.H264 }), { static: true });
      logFrames(rec, 10);
      await rec.close();
      expect(temporal(own).rows).toEqual([4, 4, 2]);
      expect(temporal(told).rows).toEqual(Array(10).fill(1));
    });

    it('flushes a micro batch by bytes', async () => {
      const file = new MemorySink();
      const rec = new RecordingStream({ applicationId: 'app' });
      rec.addSink(file, { batching: microBatch({ maxBytes: 350, maxDelayMs: 60_000 }) });
      rec.log('video', new VideoStream({ codec: VideoCodec.H264 }), { static: true });
      logFrames(rec, 6); // ~130 bytes a row: three rows pass 350
      await rec.close();
      expect(temporal(file).rows).toEqual([3, 3]);
    });

    it('flushes a micro batch after maxDelayMs, and close() clears the timer', async () => {
      vi.useFakeTimers();
      const file = new MemorySink();
      const rec = new RecordingStream({ applicationId: 'app', batching: microBatch({ maxDelayMs: 200 }) });
      rec.addSink(file);
      rec.log('video', new VideoStream({ codec: VideoCodec.H264 }), { static: true });
      logFrames(rec, 3);
      vi.advanceTimersByTime(199);
      expect(temporal(file).rows).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(temporal(file).rows).toEqual([3]);
      logFrames(rec, 2, 3);
      expect(vi.getTimerCount()).toBe(1);
      await rec.close();
      expect(temporal(file).rows).toEqual([3, 2]);
      expect(vi.getTimerCount()).toBe(0);
    });

    it('starts a micro batch at each keyframe, so no chunk reaches back before the keyframe it follows', async () => {
      const served = new MemorySink();
      const rec = new RecordingStream({ applicationId: 'app' });
      rec.addSink(served, { batching: microBatch({ maxRows: 4, maxDelayMs: 60_000 }) });
      rec.log('video', new VideoStream({ codec: VideoCodec.H264 }), { static: true });
      for (let i = 0; i < 10; i++) {
        rec.setTime('time', { duration: millis(i * 33) });
        // A keyframe by Rerun's rule: an SPS, then an IDR slice.
        const frame =
          i % 3 === 0 ? new Uint8Array([0, 0, 0, 1, 0x67, 0x42, ...sample(i, true)]) : sample(i, false);
        rec.log('video', VideoStream.fromFields({ sample: frame }));
        rec.log('stats/frame', new Scalars(i));
      }
      await rec.close();
      // Keyframes at 0, 3, 6, 9: each opens a chunk, although 4 rows would fit, and the stats follow GOP by GOP.
      const { rows, entities } = temporal(served);
      expect(rows).toEqual([3, 3, 3, 3, 3, 3, 1, 1]);
      expect(entities).toEqual([
        ...['/video', '/stats/frame', '/video', '/stats/frame', '/video', '/stats/frame'],
        ...['/video', '/stats/frame'],
      ]);
    });

    it('batches stats entities separately from the video, and sinks with equal policies share chunks', async () => {
      const a = new MemorySink();
      const b = new MemorySink();
      const rec = new RecordingStream({ applicationId: 'app' });
      rec.addSink(a, { batching: microBatch({ maxRows: 2, maxDelayMs: 60_000 }) });
      rec.addSink(b, { batching: microBatch({ maxRows: 2, maxDelayMs: 60_000 }) });
      rec.log('video', new VideoStream({ codec: VideoCodec.H264 }), { static: true });
      for (let i = 0; i < 4; i++) {
        rec.setTime('time', { duration: millis(i * 33) });
        rec.log('video', VideoStream.fromFields({ sample: sample(i, i === 0) }));
        rec.log('stats/latency', new Scalars(i));
      }
      await rec.close();
      expect(temporal(a).entities).toEqual(['/video', '/stats/latency', '/video', '/stats/latency']);
      expect(a.bytes()).toEqual(b.bytes());
    });

    it('refuses nonsensical micro-batch limits with a typed error', () => {
      expect(() => microBatch({ maxRows: 0 })).toThrow(RecordingError);
      expect(() => microBatch({ maxBytes: -1 })).toThrow(/maxBytes must be a number ≥ 1/);
      expect(() => microBatch({ maxDelayMs: Number.NaN })).toThrow(RecordingError);
      expect(microBatch({ maxDelayMs: 0 })).toEqual({
        kind: 'micro',
        maxRows: Number.MAX_SAFE_INTEGER,
        maxBytes: 1024 * 1024,
        maxDelayMs: 0,
      });
    });
  });
});

describe('RecordingStream: a sink fails alone (decision 0014)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A sink that fails on its `n`-th call of `on` (from 1), by throwing or by rejecting. */
  class FailingSink extends MemorySink {
    calls = { write: 0, flush: 0, close: 0 };
    closedAfterFailure = false;
    readonly error = new Error('disk on fire');
    constructor(
      readonly on: 'write' | 'flush' | 'close',
      readonly n: number,
      readonly how: 'throw' | 'reject' = 'throw',
    ) {
      super();
    }
    #fails(call: 'write' | 'flush' | 'close'): boolean {
      return call === this.on && ++this.calls[call] === this.n;
    }
    override write(message: Parameters<MemorySink['write']>[0]): void {
      if (this.#fails('write')) throw this.error;
      super.write(message);
    }
    override flush(): void | Promise<void> {
      if (this.#fails('flush')) {
        if (this.how === 'reject') return Promise.reject(this.error);
        throw this.error;
      }
    }
    override close(): void | Promise<void> {
      if (this.on !== 'close') {
        this.closedAfterFailure = true;
        return;
      }
      if (this.#fails('close')) {
        if (this.how === 'reject') return Promise.reject(this.error);
        throw this.error;
      }
    }
  }

  function logFrames(rec: RecordingStream, from: number, to: number): void {
    for (let i = from; i < to; i++) {
      rec.setTime('time', { duration: millis(i * 33) });
      rec.log('cam', VideoStream.fromFields({ sample: sample(i, i % 10 === 0) }));
    }
  }

  /** A recording into `sinks` that keeps every sink failure it reports. */
  function watched(sinks: MemorySink[]): { rec: RecordingStream; failures: SinkFailure[] } {
    const failures: SinkFailure[] = [];
    const rec = new RecordingStream({ applicationId: 'a', sinks, onSinkError: (f) => failures.push(f) });
    return { rec, failures };
  }

  function frames(memory: MemorySink): number {
    const { messages, errors } = decodeRrd(memory.bytes());
    expect(errors).toEqual([]);
    return messages.reduce(
      (n, m) =>
        n +
        (m.kind === 'arrow_msg' && m.chunk.entityPath === '/cam' && !m.chunk.isStatic ? m.chunk.numRows : 0),
      0,
    );
  }

  it('takes a sink that throws on write out; the others receive every message; onSinkError once', async () => {
    const bad = new FailingSink('write', 5);
    const good = new MemorySink();
    const { rec, failures } = watched([bad, good]);
    rec.log('cam', new VideoStream({ codec: VideoCodec.H264 }), { static: true });
    logFrames(rec, 0, 20);
    expect(failures).toEqual([{ sink: bad, error: bad.error, during: 'write' }]);
    expect(bad.closedAfterFailure).toBe(true);
    expect(bad.messageCount).toBe(4); // store info, codec, 2 frames; nothing after the failure
    logFrames(rec, 20, 30);
    await rec.close();
    expect(failures).toHaveLength(1);
    expect(rec.failedSinks).toEqual(failures);
    expect(frames(good)).toBe(30);
  });

  it('a sink failing in a batching timer is taken out there, without throwing from the timer', async () => {
    vi.useFakeTimers();
    const bad = new FailingSink('write', 2); // the store info passes, the first batch fails
    const good = new MemorySink();
    const immediate = new MemorySink();
    const { rec, failures } = watched([]);
    rec.addSink(bad, { batching: microBatch({ maxDelayMs: 100 }) });
    rec.addSink(good, { batching: microBatch({ maxDelayMs: 100 }) });
    rec.addSink(immediate, { batching: IMMEDIATE });
    logFrames(rec, 0, 5);
    expect(failures).toHaveLength(0);
    vi.advanceTimersByTime(100); // would throw out of the timer (an uncaught exception) before
    expect(failures).toEqual([{ sink: bad, error: bad.error, during: 'write' }]);
    logFrames(rec, 5, 10);
    vi.advanceTimersByTime(100);
    await rec.close();
    expect(frames(good)).toBe(10);
    expect(frames(immediate)).toBe(10);
    expect(failures).toHaveLength(1);
  });

  it('a sink whose flush rejects (or throws) is taken out; close() still ends the others', async () => {
    for (const how of ['reject', 'throw'] as const) {
      const bad = new FailingSink('flush', 1, how);
      const good = new MemorySink();
      const { rec, failures } = watched([bad, good]);
      logFrames(rec, 0, 3);
      await rec.flush();
      expect(failures.map((f) => f.during)).toEqual(['flush']);
      logFrames(rec, 3, 6);
      await rec.close();
      expect(failures).toHaveLength(1);
      expect(bad.messageCount).toBe(4); // store info + 3 frames, none after the failed flush
      expect(frames(good)).toBe(6);
    }
  });

  it('without onSinkError, close() ends the other sinks and then rejects with sink-failed', async () => {
    const bad = new FailingSink('write', 3);
    const good = new MemorySink();
    let goodClosed = false;
    good.close = () => {
      goodClosed = true;
    };
    const rec = new RecordingStream({ applicationId: 'a', sinks: [bad, good] });
    logFrames(rec, 0, 10); // the failure does not surface in log()
    const closing = rec.close();
    await expect(closing).rejects.toThrow(RecordingError);
    await expect(closing).rejects.toMatchObject({ code: 'sink-failed', cause: bad.error });
    await expect(closing).rejects.toThrow(/FailingSink failed on write\(\): disk on fire/);
    expect(goodClosed).toBe(true);
    expect(frames(good)).toBe(10);
    expect(rec.closed).toBe(true);
  });

  it('a sink failing on close is reported once (not closed twice)', async () => {
    const bad = new FailingSink('close', 1, 'reject');
    const good = new MemorySink();
    const { rec, failures } = watched([bad, good]);
    logFrames(rec, 0, 3);
    await rec.close();
    expect(failures.map((f) => f.during)).toEqual(['close']);
    expect(bad.calls.close).toBe(1);
  });

  it('a handler that throws does not stop the recording', async () => {
    const bad = new FailingSink('write', 2);
    const good = new MemorySink();
    const rec = new RecordingStream({
      applicationId: 'a',
      sinks: [bad, good],
      onSinkError: () => {
        throw new Error('handler bug');
      },
    });
    logFrames(rec, 0, 5);
    await rec.close();
    expect(frames(good)).toBe(5);
    expect(rec.failedSinks).toHaveLength(1);
  });
});
