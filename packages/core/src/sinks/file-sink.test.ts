import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VideoStream } from '../model/archetypes.js';
import { VideoCodec } from '../model/codec.js';
import { perGop } from '../recording/batching.js';
import { RecordingStream } from '../recording/recording-stream.js';
import { decodeRrd } from '../rerun/rrd/decoder.js';
import { FileSink } from './file-sink.js';

const dir = mkdtempSync(join(tmpdir(), 'camstream-file-sink-'));

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
