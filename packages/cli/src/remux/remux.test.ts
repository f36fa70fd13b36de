import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AccessUnitSplitter, decodeRrd, VideoCodec } from '@camstream/core';
import { makeClip } from '@camstream/test-helpers/ffmpeg';
import { tempDir } from '@camstream/test-helpers/temp-dir';
import { beforeAll, describe, expect, it } from 'vitest';
import { CliError } from '../errors.js';
import { type RemuxProgress, remux } from './remux.js';

const dir = tempDir('camstream-clips-');
let mp4: string;
let annexB: string;

beforeAll(() => {
  mp4 = makeClip(dir, 'high', { codec: 'h264', container: 'mp4', frames: 30, gop: 10 });
  annexB = makeClip(dir, 'high', { codec: 'h264', container: 'h264', frames: 30, gop: 10 });
});

/** The samples, times and codec a recording holds, read back with core's RRD decoder. */
function readRecording(path: string) {
  const { messages, errors } = decodeRrd(new Uint8Array(readFileSync(path)));
  expect(errors).toEqual([]);
  const samples: Uint8Array[] = [];
  const times: bigint[] = [];
  let codec: unknown;
  let storeId: unknown;
  for (const m of messages) {
    if (m.kind === 'set_store_info') storeId = m.storeId;
    if (m.kind !== 'arrow_msg') continue;
    for (const c of m.chunk.components) {
      if (c.component === 'VideoStream:codec') codec = c.rows[0]?.[0];
      if (c.component !== 'VideoStream:sample') continue;
      for (const row of c.rows) samples.push((row![0] as { toArray(): Uint8Array }).toArray());
      times.push(...(m.chunk.timelines.find((t) => t.name === 'time')?.values ?? []));
    }
  }
  return { samples, times, codec, storeId, messages };
}

describe('remux', () => {
  it('writes one Annex B sample per frame at the container timestamps', async () => {
    const out = join(dir, 'high.rrd');
    const progress: RemuxProgress[] = [];
    const result = await remux(mp4, out, {
      applicationId: 'unit',
      recordingId: 'rec-1',
      onProgress: (p) => progress.push(p),
    });
    expect(result).toMatchObject({ codec: 'h264', container: 'mp4', frames: 30, keyframes: 3 });
    const rec = readRecording(out);
    expect(rec.codec).toBe(VideoCodec.H264);
    expect(rec.storeId).toEqual({ kind: 'recording', applicationId: 'unit', recordingId: 'rec-1' });
    expect(rec.times).toEqual(Array.from({ length: 30 }, (_, i) => BigInt(i) * 40_000_000n));
    // Every sample is one access unit as core's parser cuts it, keyframes with their parameter sets.
    const splitter = new AccessUnitSplitter({ codec: 'h264' });
    const units = rec.samples.map((s) => {
      const aus = [...splitter.push(s), ...splitter.endAccessUnit()];
      expect(aus).toHaveLength(1);
      return aus[0]!;
    });
    expect(units.filter((u) => u.isKeyframe).map((u) => u.index)).toEqual([0, 10, 20]);
    expect(units.every((u) => !u.isKeyframe || (u.nalTypes.includes(7) && u.nalTypes.includes(8)))).toBe(
      true,
    );
    expect(progress).toHaveLength(30);
    expect(progress.at(-1)?.frames).toBe(30);
    expect(progress.every((p, i) => i === 0 || p.fraction >= progress[i - 1]!.fraction)).toBe(true);
    // A guard, not a budget: the first remux loads the demuxer; it took over vitest's 5 s on a busy machine.
  }, 30_000);

  it('takes entity and timeline names, and Annex B at a given frame rate', async () => {
    const out = join(dir, 'annexb.rrd');
    await remux(annexB, out, { entity: 'cams/front', timeline: 'pts', fps: 50 });
    const { messages } = decodeRrd(new Uint8Array(readFileSync(out)));
    const video = messages.flatMap((m) => (m.kind === 'arrow_msg' && !m.chunk.isStatic ? [m.chunk] : []));
    expect(new Set(video.map((c) => c.entityPath))).toEqual(new Set(['/cams/front']));
    const times = video.flatMap((c) => c.timelines.find((t) => t.name === 'pts')?.values ?? []);
    expect(times).toEqual(Array.from({ length: 30 }, (_, i) => BigInt(i) * 20_000_000n));
  });

  it('refuses B-frames, says why and how to re-encode, and leaves no output behind', async () => {
    const withB = makeClip(dir, 'bframes', { codec: 'h264', container: 'mp4', bFrames: true });
    const out = join(dir, 'bframes.rrd');
    const error = await remux(withB, out).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).code).toBe('input');
    expect((error as CliError).message).toMatch(/B-frames.*camstream capture --input/);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses H.265 open GOPs (x265 CRA pictures)', async () => {
    const cra = makeClip(dir, 'cra', { codec: 'h265', container: 'mp4', openGop: true, gop: 10 });
    await expect(remux(cra, join(dir, 'cra.rrd'))).rejects.toThrow(/frame 10 is a CRA random-access point/);
  });

  it('refuses a stream that starts inside a GOP (first frame not IDR)', async () => {
    const splitter = new AccessUnitSplitter({ codec: 'h264' });
    const units = [...splitter.push(new Uint8Array(readFileSync(annexB))), ...splitter.end()];
    const cut = join(dir, 'mid-gop.h264');
    writeFileSync(cut, Buffer.concat(units.slice(3).map((u) => u.data)));
    await expect(remux(cut, join(dir, 'mid-gop.rrd'))).rejects.toThrow(
      /its first frame is not an IDR picture \(a frame that refers to earlier ones\)/,
    );
  });

  it('turns bad paths and bad files into one-line input errors', async () => {
    const cases: [string, RegExp][] = [
      [join(dir, 'missing.mp4'), /does not exist/],
      [dir, /not a regular file/],
    ];
    const garbage = join(dir, 'garbage.mp4');
    writeFileSync(
      garbage,
      new Uint8Array(4096).map((_, i) => (i * 7919) % 251),
    );
    cases.push([garbage, /not a video file this tool reads/]);
    const empty = join(dir, 'empty.mp4');
    writeFileSync(empty, '');
    cases.push([empty, /is empty/]);
    for (const [input, message] of cases) {
      const error = await remux(input, join(dir, 'x.rrd')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CliError);
      expect((error as CliError).code).toBe('input');
      expect((error as CliError).message).toMatch(message);
      expect((error as CliError).message).not.toContain('\n');
    }
  });

  it('wants an .rrd output that is not the input', async () => {
    await expect(remux(mp4, join(dir, 'out.mp4'))).rejects.toMatchObject({ code: 'usage' });
    const same = join(dir, 'same.rrd');
    writeFileSync(same, 'x');
    await expect(remux(same, same)).rejects.toMatchObject({ code: 'usage' });
  });

  it('refuses an application id newer Rerun viewers would rename, and leaves no output behind', async () => {
    const out = join(dir, 'app-id.rrd');
    await expect(remux(mp4, out, { applicationId: 'my.app' })).rejects.toMatchObject({
      code: 'usage',
      message: expect.stringMatching(/^app id "my\.app" contains "\." \(U\+002E\)/),
    });
    expect(existsSync(out)).toBe(false);
  });

  it('says why an output cannot be written', async () => {
    const out = join(dir, 'no-such-folder', 'x.rrd');
    await expect(remux(mp4, out)).rejects.toMatchObject({
      code: 'runtime',
      message: `cannot write ${out}: its folder does not exist`,
    });
  });
});
