import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tempDir } from '@camstream/test-helpers/temp-dir';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CamstreamError } from '../errors.js';
import { VideoStream } from '../model/archetypes.js';
import { VideoCodec } from '../model/codec.js';
import { IMMEDIATE, perGop } from '../recording/batching.js';
import { RecordingStream, type SinkFailure } from '../recording/recording-stream.js';
import { decodeRrd } from '../rerun/rrd/decoder.js';
import { STREAM_HEADER_LENGTH } from '../rerun/rrd/stream-header.js';
import { FileSink } from './file-sink.js';

const dir = tempDir('camstream-file-sink-');

describe('FileSink', () => {
  it('writes a stream that decodes back', async () => {
    const path = join(dir, 'a.rrd');
    const rec = new RecordingStream({ applicationId: 'f', batching: perGop(), sinks: [new FileSink(path)] });
    rec.log('v', new VideoStream({ codec: VideoCodec.H264 }), { static: true });
    for (let i = 0; i < 40; i++) {
      rec.setTime('time', { duration: BigInt(i) * 33_000_000n });
      rec.log(
        'v',
        VideoStream.fromFields({ sample: new Uint8Array(1000).fill(i), isKeyframe: i % 10 === 0 }),
      );
    }
    await rec.close();
    const { messages, errors } = decodeRrd(new Uint8Array(readFileSync(path)));
    expect(errors).toEqual([]);
    const rows = messages.flatMap((m) =>
      m.kind === 'arrow_msg' && !m.chunk.isStatic ? [m.chunk.numRows] : [],
    );
    expect(rows).toEqual([10, 10, 10, 10]);
  });

  it('leaves a loadable file when the process is killed mid-recording', async () => {
    const path = join(dir, 'killed.rrd');
    // A separate Node process records as fast as it can; we SIGKILL it while it writes.
    const script = `
      import { RecordingStream, VideoStream, VideoCodec } from '@camstream/core';
      import { FileSink } from '@camstream/core/node';
      const rec = new RecordingStream({ applicationId: 'k', sinks: [new FileSink(${JSON.stringify(path)}, { bufferBytes: 4096 })] });
      rec.log('v', new VideoStream({ codec: VideoCodec.H264 }), { static: true });
      for (let i = 0; ; i++) {
        rec.setTime('time', { duration: BigInt(i) });
        rec.log('v', VideoStream.fromFields({ sample: new Uint8Array(3000 + (i % 777)).fill(i & 255) }));
        if (i === 200) console.log('running');
      }`;
    const child = spawn(
      process.execPath,
      ['--conditions=@camstream/source', '--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: join(import.meta.dirname, '..', '..'), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((ok) => child.stdout.once('data', () => ok()));
    await new Promise((r) => setTimeout(r, 150));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(statSync(path).size).toBeGreaterThan(100_000);
    const { messages, errors } = decodeRrd(new Uint8Array(readFileSync(path)));
    // Whole messages are written one write at a time; at worst the last one is cut short (Rerun drops it).
    expect(errors.length).toBeLessThanOrEqual(1);
    for (const e of errors) expect(e.code).toBe('rrd-truncated');
    expect(messages.length).toBeGreaterThan(100);
  }, 30_000);
});

/** Polls `check` until it returns a value (generous deadline: the machine may be busy). */
async function until<T>(what: string, check: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function logFrame(rec: RecordingStream, i: number, bytes = 1000): void {
  rec.setTime('time', { duration: BigInt(i) * 33_000_000n });
  rec.log(
    'v',
    VideoStream.fromFields({ sample: new Uint8Array(bytes).fill(i & 255), isKeyframe: i % 10 === 0 }),
  );
}

describe('FileSink writes by the clock (decision 0014)', () => {
  it('a message is on disk within maxDelayMs without flush()', async () => {
    const path = join(dir, 'timed.rrd');
    const sink = new FileSink(path); // 1 MiB buffer: one small message never fills it
    const rec = new RecordingStream({ applicationId: 't', batching: IMMEDIATE, sinks: [sink] });
    rec.log('v', new VideoStream({ codec: VideoCodec.H264 }), { static: true });
    logFrame(rec, 0);
    const t0 = performance.now();
    const bytes = await until('the message on disk', () => {
      const b = readFileSync(path);
      return b.byteLength > STREAM_HEADER_LENGTH ? b : undefined;
    });
    // A generous guard (the default delay is 50 ms): the point is that it comes without flush().
    expect(performance.now() - t0).toBeLessThan(5_000);
    const { messages, errors } = decodeRrd(new Uint8Array(bytes));
    expect(errors).toEqual([]);
    expect(messages.map((m) => m.kind)).toEqual(['set_store_info', 'arrow_msg', 'arrow_msg']);
    expect(sink.bytesWritten).toBe(bytes.byteLength);
    await rec.close();
  });

  it('refuses a negative maxDelayMs', () => {
    expect(() => new FileSink(join(dir, 'bad.rrd'), { maxDelayMs: -1 })).toThrow(CamstreamError);
  });

  it('reports a file that cannot be written at all when it opens (ENOSPC on /dev/full)', () => {
    expect(() => new FileSink('/dev/full')).toThrow(/ENOSPC/);
  });
});

// A real full disk: a small tmpfs mounted for the test (needs root, as in CI).
const isRoot = process.getuid?.() === 0;
describe.skipIf(!isRoot)('FileSink on a full disk (a 64 KiB tmpfs; needs root to mount)', () => {
  let mount: string;
  beforeAll(() => {
    mount = mkdtempSync(join(tmpdir(), 'camstream-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mount]);
  });
  afterAll(() => {
    execFileSync('umount', ['-l', mount]); // lazy: a descriptor still open must not leave it mounted
    rmSync(mount, { recursive: true, force: true });
  });

  function loads(path: string): number {
    const { messages, errors } = decodeRrd(new Uint8Array(readFileSync(path)));
    expect(errors).toEqual([]);
    return messages.length;
  }

  it('a failed write cuts the file back to its last whole message and throws write-failed', () => {
    const path = join(mount, 'direct.rrd');
    const sink = new FileSink(path, { bufferBytes: 0 });
    const rec = new RecordingStream({ applicationId: 'f', batching: IMMEDIATE });
    const written: number[] = [];
    let thrown: unknown;
    rec.addSink({
      write: (m) => {
        try {
          sink.write(m);
          written.push(m.bytes.byteLength);
        } catch (error) {
          thrown ??= error;
        }
      },
      flush: () => {},
      close: () => {},
    });
    for (let i = 0; thrown === undefined && i < 1000; i++) logFrame(rec, i, 7000);
    expect(thrown).toBeInstanceOf(CamstreamError);
    expect(thrown).toMatchObject({ code: 'write-failed', cause: { code: 'ENOSPC' } });
    expect((thrown as Error).message).toMatch(/cut back to its last whole message/);
    const size = statSync(path).size;
    expect(size).toBe(STREAM_HEADER_LENGTH + written.reduce((a, b) => a + b, 0));
    expect(sink.bytesWritten).toBe(size);
    expect(loads(path)).toBe(written.length);
    // The sink stays failed; close() does not throw again once the failure was reported.
    expect(() => sink.write({ bytes: new Uint8Array(1) } as never)).toThrow(/cannot write/);
    expect(() => sink.close()).not.toThrow();
    rmSync(path);
  });

  it('a timed write that fails is reported by the next call; RecordingStream takes the sink out', async () => {
    const path = join(mount, 'timed.rrd');
    const sink = new FileSink(path, { maxDelayMs: 5 });
    const other = new FileSink(join(dir, 'other.rrd'));
    const failures: SinkFailure[] = [];
    const rec = new RecordingStream({
      applicationId: 'f',
      batching: IMMEDIATE,
      sinks: [sink, other],
      onSinkError: (f) => failures.push(f),
    });
    let i = 0;
    // Each frame waits for the timer to write it, so the failure happens in the timer.
    await until('the disk to fill', () => {
      logFrame(rec, i++, 5000);
      return failures.length > 0 ? true : undefined;
    });
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ sink, during: 'write', error: { code: 'write-failed' } });
    for (let j = 0; j < 20; j++) logFrame(rec, i++, 5000);
    await rec.close();
    expect(failures).toHaveLength(1);
    expect(statSync(path).size).toBe(sink.bytesWritten);
    expect(loads(path)).toBeGreaterThan(2);
    // The other file got every frame.
    expect(loads(join(dir, 'other.rrd'))).toBe(1 + i); // store info + every frame
    rmSync(path);
  });

  it('close() reports a timed failure nobody has seen yet', async () => {
    const path = join(mount, 'close.rrd');
    const sink = new FileSink(path, { maxDelayMs: 0 });
    const big = new Uint8Array(200_000); // more than the disk holds
    sink.write({ bytes: big } as never);
    await new Promise((r) => setTimeout(r, 50));
    expect(() => sink.close()).toThrow(expect.objectContaining({ code: 'write-failed' }));
    expect(() => sink.close()).not.toThrow();
    expect(statSync(path).size).toBe(STREAM_HEADER_LENGTH);
    rmSync(path);
  });
});
