/**
 * Test vectors made in the run by Debian's ffmpeg (libx264, libx265), checked against ffprobe.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessUnit } from './access-unit.js';
import { AccessUnitSplitter } from './access-unit-splitter.js';
import { splitAnnexB } from './annexb-scanner.js';
import {
  annexBToLengthPrefixed,
  buildAvcC,
  buildHvcC,
  lengthPrefixedToAnnexB,
  parseAvcC,
  parseHvcC,
} from './avcc.js';
import { parseH264Sps } from './h264-sps.js';
import type { VideoCodecName } from './nal.js';
import { summarizeBitstream } from './summary.js';

const run = promisify(execFile);

function hasFfmpeg(): boolean {
  try {
    const encoders = execFileSync('ffmpeg', ['-hide_banner', '-encoders'], { encoding: 'utf8' });
    execFileSync('ffprobe', ['-version'], { encoding: 'utf8' });
    return encoders.includes('libx264') && encoders.includes('libx265');
  } catch {
    return false;
  }
}

const FFMPEG = hasFfmpeg();
if (!FFMPEG) {
  // Loud on purpose: CI has ffmpeg, so a skip here means the real-encoder proof did not run.
  console.warn(
    '\n\n*** SKIPPING the ffmpeg/ffprobe bitstream vectors: ffmpeg with libx264 and libx265 is not installed ***\n\n',
  );
}

interface Vector {
  readonly name: string;
  readonly codec: VideoCodecName;
  readonly size: string;
  readonly frames: number;
  readonly args: readonly string[];
  readonly pixFmt?: string;
  /** B-frames expected in the stream. */
  readonly bFrames: boolean;
}

const X264 = ['-c:v', 'libx264', '-preset', 'veryfast'];
const X265 = ['-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params'];

const VECTORS: readonly Vector[] = [
  {
    name: 'rerun-reference',
    codec: 'h264',
    size: '110x82',
    frames: 44,
    args: ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-g', '10', '-bf', '0'],
    bFrames: false,
  },
  {
    name: 'baseline',
    codec: 'h264',
    size: '176x144',
    frames: 24,
    args: [...X264, '-profile:v', 'baseline', '-g', '10'],
    bFrames: false,
  },
  {
    name: 'main-bf',
    codec: 'h264',
    size: '176x144',
    frames: 30,
    args: [...X264, '-profile:v', 'main', '-g', '10'],
    bFrames: true,
  },
  {
    name: 'high-bf0',
    codec: 'h264',
    size: '176x144',
    frames: 30,
    args: [...X264, '-profile:v', 'high', '-g', '10', '-bf', '0'],
    bFrames: false,
  },
  {
    name: 'high-bf',
    codec: 'h264',
    size: '176x144',
    frames: 30,
    args: [...X264, '-profile:v', 'high', '-g', '250'],
    bFrames: true,
  },
  {
    name: 'slices4',
    codec: 'h264',
    size: '176x144',
    frames: 20,
    args: [...X264, '-g', '10', '-bf', '0', '-x264-params', 'slices=4'],
    bFrames: false,
  },
  {
    name: 'slices4-bf',
    codec: 'h264',
    size: '176x144',
    frames: 20,
    args: [...X264, '-g', '10', '-x264-params', 'slices=4'],
    bFrames: true,
  },
  {
    name: 'aud',
    codec: 'h264',
    size: '176x144',
    frames: 20,
    args: [...X264, '-g', '10', '-bf', '0', '-x264-params', 'aud=1'],
    bFrames: false,
  },
  {
    name: 'high10',
    codec: 'h264',
    size: '176x144',
    frames: 20,
    pixFmt: 'yuv420p10le',
    args: [...X264, '-profile:v', 'high10', '-g', '10', '-bf', '0'],
    bFrames: false,
  },
  {
    name: 'high444',
    codec: 'h264',
    size: '176x144',
    frames: 20,
    pixFmt: 'yuv444p',
    args: [...X264, '-profile:v', 'high444', '-g', '10', '-bf', '0'],
    bFrames: false,
  },
  {
    name: 'high422-bf',
    codec: 'h264',
    size: '176x144',
    frames: 20,
    pixFmt: 'yuv422p',
    args: [...X264, '-profile:v', 'high422', '-g', '10'],
    bFrames: true,
  },
  {
    name: '1080p',
    codec: 'h264',
    size: '1920x1080',
    frames: 4,
    args: ['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '2', '-bf', '0'],
    bFrames: false,
  },
  {
    name: 'odd-110x82-bf',
    codec: 'h264',
    size: '110x82',
    frames: 30,
    args: [...X264, '-g', '10'],
    bFrames: true,
  },
  {
    name: 'x264-open-gop',
    codec: 'h264',
    size: '176x144',
    frames: 30,
    args: [...X264, '-g', '10', '-x264-params', 'open-gop=1:scenecut=0'],
    bFrames: true,
  },
  {
    name: 'gop250',
    codec: 'h264',
    size: '160x120',
    frames: 60,
    args: [...X264, '-g', '250', '-bf', '0'],
    bFrames: false,
  },
  {
    name: 'interlaced',
    codec: 'h264',
    size: '176x144',
    frames: 12,
    args: [...X264, '-g', '6', '-bf', '0', '-flags', '+ildct+ilme', '-x264-params', 'interlaced=1'],
    bFrames: false,
  },
  {
    name: 'x265-main',
    codec: 'h265',
    size: '176x144',
    frames: 20,
    args: [...X265, 'keyint=10:log-level=error'],
    bFrames: true,
  },
  {
    name: 'x265-main-bf0',
    codec: 'h265',
    size: '176x144',
    frames: 20,
    args: [...X265, 'keyint=10:bframes=0:log-level=error'],
    bFrames: false,
  },
  {
    name: 'x265-main10',
    codec: 'h265',
    size: '176x144',
    frames: 20,
    pixFmt: 'yuv420p10le',
    args: ['-profile:v', 'main10', ...X265, 'keyint=10:log-level=error'],
    bFrames: true,
  },
  {
    name: 'x265-open-gop',
    codec: 'h265',
    size: '176x144',
    frames: 30,
    args: [...X265, 'keyint=10:min-keyint=10:scenecut=0:open-gop=1:log-level=error'],
    bFrames: true,
  },
  {
    name: 'x265-closed-gop',
    codec: 'h265',
    size: '176x144',
    frames: 30,
    args: [...X265, 'keyint=10:min-keyint=10:scenecut=0:open-gop=0:log-level=error'],
    bFrames: true,
  },
  {
    name: 'x265-1080p',
    codec: 'h265',
    size: '1920x1080',
    frames: 3,
    args: [...X265, 'keyint=2:bframes=0:log-level=error'],
    bFrames: false,
  },
];

interface ProbeFrame {
  key_frame: number;
  pict_type: string;
}
interface ProbeStream {
  width: number;
  height: number;
  coded_width: number;
  coded_height: number;
  profile: string;
  level: number;
}
interface Probe {
  frames: ProbeFrame[];
  streams: ProbeStream[];
}

interface Encoded {
  readonly bytes: Uint8Array;
  readonly probe: Probe;
}

let dir = '';
const encoded = new Map<string, Encoded>();

async function encode(v: Vector): Promise<Encoded> {
  const file = join(dir, `${v.name}.${v.codec}`);
  const args = [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=${v.size}:rate=10`,
  ];
  args.push('-frames:v', String(v.frames), '-pix_fmt', v.pixFmt ?? 'yuv420p', ...v.args);
  args.push('-threads', '1', '-f', v.codec === 'h264' ? 'h264' : 'hevc', file);
  await run('ffmpeg', args);
  const { stdout } = await run(
    'ffprobe',
    ['-v', 'error', '-show_frames', '-show_streams', '-of', 'json', file],
    {
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  return { bytes: new Uint8Array(readFileSync(file)), probe: JSON.parse(stdout) as Probe };
}

function splitAll(bytes: Uint8Array, codec: VideoCodecName, piece = bytes.length): AccessUnit[] {
  const splitter = new AccessUnitSplitter({ codec, bFrames: 'allow' });
  const out: AccessUnit[] = [];
  for (let i = 0; i < bytes.length; i += piece) out.push(...splitter.push(bytes.subarray(i, i + piece)));
  out.push(...splitter.end());
  return out;
}

/** Access units in presentation order: by coded video sequence, then POC. */
function presentationOrder(aus: readonly AccessUnit[]): AccessUnit[] {
  return [...aus].sort((a, b) => a.sequence - b.sequence || (a.poc ?? 0) - (b.poc ?? 0) || a.index - b.index);
}

describe.skipIf(!FFMPEG)('ffmpeg test vectors', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'camstream-bitstream-'));
    // Two at a time: these machines have two cores.
    const queue = [...VECTORS];
    const worker = async (): Promise<void> => {
      for (let v = queue.shift(); v; v = queue.shift()) encoded.set(v.name, await encode(v));
    };
    await Promise.all([worker(), worker()]);
  }, 120_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each(VECTORS.map((v) => [v.name, v] as const))('%s matches ffprobe', (_name, v) => {
    const e = encoded.get(v.name);
    if (!e) throw new Error(`vector ${v.name} was not encoded`);
    const { bytes, probe } = e;
    const stream = probe.streams[0];
    if (!stream) throw new Error('ffprobe found no stream');
    const aus = splitAll(bytes, v.codec);
    const summary = summarizeBitstream(bytes);

    expect(summary.codec).toBe(v.codec);
    expect(aus.length).toBe(probe.frames.length);
    expect(summary.frameCount).toBe(probe.frames.length);
    expect([summary.width, summary.height]).toEqual([stream.width, stream.height]);
    expect(summary.profile).toBe(stream.profile);
    expect(summary.levelIdc).toBe(stream.level);
    if (v.codec === 'h264')
      expect([summary.codedWidth, summary.codedHeight]).toEqual([stream.coded_width, stream.coded_height]);

    // Every sample is a whole Annex B access unit and together they are the whole stream.
    let total = 0;
    for (const au of aus) {
      expect(au.data[0] === 0 && au.data[1] === 0).toBe(true);
      total += au.data.length;
    }
    expect(total).toBeLessThanOrEqual(bytes.length);
    expect(splitAnnexB(bytes).length).toBe(aus.reduce((n, au) => n + au.nalTypes.length, 0));

    // Picture types in presentation order, as ffprobe decodes them.
    const presented = presentationOrder(aus);
    expect(presented.map((au) => au.pictType).join('')).toBe(probe.frames.map((f) => f.pict_type).join(''));

    // Key frames as ffmpeg sees them: H.264 IDR or recovery-point SEI, H.265 IRAP (IDR and CRA).
    const probeKeys = probe.frames.map((f, i) => (f.key_frame === 1 ? i : -1)).filter((i) => i >= 0);
    const ourKeys = presented.map((au, i) => (au.randomAccess !== undefined ? i : -1)).filter((i) => i >= 0);
    expect(ourKeys).toEqual(probeKeys);
    // Rerun keyframes are exactly the IDR access units, each carrying its SPS.
    expect(summary.keyframeIndices).toEqual(
      aus.filter((au) => au.randomAccess === 'idr').map((au) => au.index),
    );
    expect(summary.keyframeIndices[0]).toBe(0);
    expect(summary.hasBFrames).toBe(v.bFrames);
    expect(summary.gopLengths.reduce((a, b) => a + b, 0)).toBe(aus.length);

    // Without B-frames the default splitter (which rejects them) accepts the stream.
    if (!v.bFrames) {
      const strict = new AccessUnitSplitter({ codec: v.codec });
      expect(() => {
        strict.push(bytes);
        strict.end();
      }).not.toThrow();
    } else {
      const strict = new AccessUnitSplitter({ codec: v.codec });
      expect(() => {
        strict.push(bytes);
        strict.end();
      }).toThrow(expect.objectContaining({ code: 'bitstream-b-frames' }));
    }
  });

  it('the Rerun reference stream has codec string avc1.64000A and coded size 110x82', () => {
    const e = encoded.get('rerun-reference');
    if (!e) throw new Error('not encoded');
    const aus = splitAll(e.bytes, 'h264');
    expect(aus).toHaveLength(44);
    expect(aus[0]?.codecString).toBe('avc1.64000A');
    const summary = summarizeBitstream(e.bytes);
    expect(summary.codecString).toBe('avc1.64000A');
    expect([summary.width, summary.height]).toEqual([110, 82]);
    expect(summary.keyframeIndices).toEqual([0, 10, 20, 30, 40]);
    expect(summary.gopLengths).toEqual([10, 10, 10, 10, 4]);
    // Rerun needs the SPS not to be the last NAL unit of a keyframe sample.
    for (const au of aus.filter((a) => a.isKeyframe)) {
      expect(au.nalTypes.indexOf(7)).toBeLessThan(au.nalTypes.length - 1);
      expect(au.nalTypes.indexOf(7)).toBeLessThan(au.nalTypes.indexOf(5));
    }
  });

  it('1080p: cropping gives 1920x1080 from a 1920x1088 macroblock grid', () => {
    const e = encoded.get('1080p');
    if (!e) throw new Error('not encoded');
    const sps = splitAnnexB(e.bytes).find((n) => ((n.data[0] ?? 0) & 0x1f) === 7);
    if (!sps) throw new Error('no SPS');
    const parsed = parseH264Sps(sps.data);
    expect([parsed.codedWidth, parsed.codedHeight, parsed.width, parsed.height]).toEqual([
      1920, 1088, 1920, 1080,
    ]);
    expect(parsed.crop).toEqual({ left: 0, right: 0, top: 0, bottom: 8 });
  });

  it('reports profile details: High 10, High 4:4:4, 4:2:2', () => {
    const get = (name: string) => {
      const e = encoded.get(name);
      if (!e) throw new Error('not encoded');
      return summarizeBitstream(e.bytes);
    };
    expect(get('high10')).toMatchObject({ bitDepth: 10, chromaFormat: '4:2:0', profileIdc: 110 });
    expect(get('high444')).toMatchObject({ bitDepth: 8, chromaFormat: '4:4:4', profileIdc: 244 });
    expect(get('high422-bf')).toMatchObject({ chromaFormat: '4:2:2', profileIdc: 122 });
    expect(get('x265-main10')).toMatchObject({ bitDepth: 10, profileIdc: 2 });
    expect(get('x265-main').codecString).toMatch(/^hev1\.1\.6\.L\d+\.[0-9A-F]+/);
    expect(get('x265-main10').codecString).toMatch(/^hev1\.2\.4\.L\d+\.[0-9A-F]+/);
  });

  it('open GOP: CRA pictures are random-access points but not Rerun keyframes', () => {
    const open = encoded.get('x265-open-gop');
    const closed = encoded.get('x265-closed-gop');
    if (!open || !closed) throw new Error('not encoded');
    const o = summarizeBitstream(open.bytes);
    const c = summarizeBitstream(closed.bytes);
    expect(o.openGop).toBe(true);
    expect(o.keyframeIndices).toEqual([0]);
    expect(o.randomAccessIndices.length).toBeGreaterThan(1);
    expect(c.openGop).toBe(false);
    expect(c.keyframeIndices.length).toBeGreaterThan(1);
    expect(c.keyframeIndices).toEqual(c.randomAccessIndices);
  });

  it('x264 open GOP: recovery-point I-frames are random-access points, not Rerun keyframes', () => {
    const e = encoded.get('x264-open-gop');
    if (!e) throw new Error('not encoded');
    const summary = summarizeBitstream(e.bytes);
    expect(summary.openGop).toBe(true);
    expect(summary.keyframeIndices).toEqual([0]);
    expect(summary.randomAccessIndices.length).toBeGreaterThan(1);
    const aus = splitAll(e.bytes, 'h264');
    expect(aus.filter((au) => au.randomAccess === 'recovery-point').every((au) => !au.isKeyframe)).toBe(true);
  });

  it('AVCC/HVCC round trip: Annex B → length-prefixed + record → Annex B', () => {
    for (const name of ['rerun-reference', 'x265-main']) {
      const e = encoded.get(name);
      if (!e) throw new Error('not encoded');
      const codec = name.startsWith('x265') ? 'h265' : 'h264';
      const aus = splitAll(e.bytes, codec);
      const splitter = new AccessUnitSplitter({ codec, bFrames: 'allow' });
      splitter.push(e.bytes);
      splitter.end();
      const splitter2 = new AccessUnitSplitter({ codec, bFrames: 'allow' });
      splitter2.push(e.bytes);
      const ps = splitter2.parameterSets;
      const record = codec === 'h264' ? buildAvcC(ps) : buildHvcC(ps);
      const config = codec === 'h264' ? parseAvcC(record) : parseHvcC(record);
      expect(config.sps).toHaveLength(1);
      expect(config.lengthSize).toBe(4);
      for (const au of aus) {
        const avcc = annexBToLengthPrefixed(au.data, { codec, dropParameterSets: true });
        const back = lengthPrefixedToAnnexB(avcc, config);
        const again = summarizeBitstream(back, { codec });
        expect(again.frameCount).toBe(1);
        expect(again.keyframeIndices).toEqual(au.randomAccess === 'idr' ? [0] : []);
        const nalsBack = splitAnnexB(back).map((n) => Buffer.from(n.data).toString('hex'));
        const nalsOrig = splitAnnexB(au.data).map((n) => Buffer.from(n.data).toString('hex'));
        if (au.randomAccess === undefined) expect(nalsBack).toEqual(nalsOrig);
        else expect(new Set(nalsBack)).toEqual(new Set(nalsOrig));
      }
    }
  });
});
