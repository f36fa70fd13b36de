import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeClip } from '@camstream/test-helpers/ffmpeg';
import { tempDir } from '@camstream/test-helpers/temp-dir';
import { beforeAll, describe, expect, it } from 'vitest';
import { readContainerInChild } from './read-container.test-util.js';

const CLUSTER_ID = Buffer.from([0x1f, 0x43, 0xb6, 0x75]);

const dir = tempDir('camstream-clips-');
let mkv: Buffer;
let mp4: Buffer;
let firstCluster: number;

beforeAll(() => {
  mkv = readFileSync(makeClip(dir, 'clip', { codec: 'h264', container: 'mkv', frames: 10, size: '64x48' }));
  mp4 = readFileSync(makeClip(dir, 'clip', { codec: 'h264', container: 'mp4', frames: 10, size: '64x48' }));
  firstCluster = mkv.indexOf(CLUSTER_ID);
});

function damaged(name: string, bytes: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

describe('openContainer on damaged Matroska files', () => {
  it('reads the undamaged clip', async () => {
    expect(firstCluster).toBeGreaterThan(0);
    expect(await readContainerInChild(damaged('ok.mkv', mkv))).toEqual({ frames: 10 });
  }, 60_000);

  // Both made mediabunny 1.61.0 spin forever, never yielding: `camstream remux` hung at 100% CPU.
  it('fails with a CliError where a top-level element id has a broken size (the resync came back to it)', async () => {
    const bytes = Buffer.from(mkv);
    bytes[firstCluster + 4] = 0x00; // not a valid size: the element is junk, yet its id is a top-level id
    const outcome = await readContainerInChild(damaged('broken-size.mkv', bytes));
    expect(outcome).toMatchObject({
      code: 'input',
      message: expect.stringMatching(/damaged or truncated: the demuxer is stuck/),
    });
  }, 60_000);

  it('fails with a CliError where junk is followed by no element id up to the end (the resync stalled there)', async () => {
    const bytes = Buffer.from(mkv.subarray(0, firstCluster + 64));
    bytes.fill(0x00, firstCluster, firstCluster + 4); // junk where the first cluster began; the file ends soon after
    expect(bytes.indexOf(CLUSTER_ID)).toBe(-1);
    const outcome = await readContainerInChild(damaged('junk-then-end.mkv', bytes));
    expect(outcome).toMatchObject({
      code: 'input',
      message: expect.stringMatching(/damaged or truncated: the demuxer is stuck/),
    });
  }, 60_000);
});

describe('openContainer runs the demuxer in a worker', () => {
  it('reads the undamaged MP4', async () => {
    expect(await readContainerInChild(damaged('ok.mp4', mp4))).toEqual({ frames: 10 });
  }, 60_000);

  it('stops a demuxer that stopped responding and refuses the file with a CliError', async () => {
    // samples_per_chunk = 2^32 - 1 in the sample-to-chunk table: mediabunny 1.61.0 loops over it for every
    // frame, minutes of CPU without yielding.
    const bytes = Buffer.from(mp4);
    const stsc = bytes.indexOf('stsc');
    expect(stsc).toBeGreaterThan(0);
    bytes.writeUInt32BE(0xffffffff, stsc + 16);
    const outcome = await readContainerInChild(damaged('stsc.mp4', bytes), { stallMs: 1000 });
    expect(outcome).toEqual({
      code: 'input',
      message: `${join(dir, 'stsc.mp4')} is damaged or truncated: the demuxer stopped responding for 1 s`,
    });
  }, 60_000);
});
