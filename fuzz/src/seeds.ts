import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { clone, toBinary } from '@bufbuild/protobuf';
import {
  type AccessUnit,
  AccessUnitSplitter,
  concatStream,
  decodeRrd,
  MemorySink,
  perGop,
  RecordingStream,
  renderTestPattern,
  Scalars,
  VideoCodec,
  type VideoCodecName,
  VideoStream,
  Y4M_FRAME_LINE,
  y4mHeaderBytes,
} from '@camstream/core';
import {
  ArrowMsgSchema,
  Compression,
  encodeBlueprintActivation,
  MessageKind,
  SetStoreInfoSchema,
  streamHeader,
} from '@camstream/core/wire';
import { concatBytes } from '@camstream/test-helpers/bytes';
import { lz4jsCompress } from '@camstream/test-helpers/lz4';
import { messageHeader } from '@camstream/test-helpers/rrd';

/** Valid inputs made in the run, by kind; each target mutates the kinds it reads. */
export interface Corpus {
  /** Annex B H.264 elementary streams from libx264 (several profiles and options). */
  readonly h264: Uint8Array[];
  /** Annex B H.265 elementary streams from libx265. */
  readonly h265: Uint8Array[];
  /** MP4, MOV, MKV and WebM files from ffmpeg. */
  readonly containers: Uint8Array[];
  /** RRD streams written by core's RecordingStream (and LZ4 re-framings of them). */
  readonly rrd: Uint8Array[];
  /** Y4M streams of core's test pattern. */
  readonly y4m: Uint8Array[];
}

const run = promisify(execFile);

/** A tiny testsrc2 clip: a few frames of 64x48 (or the given size) keep every seed a few KiB. */
interface Clip {
  readonly name: string;
  readonly args: readonly string[];
  readonly frames?: number;
  readonly size?: string;
  readonly pixFmt?: string;
}

const X264 = ['-c:v', 'libx264', '-preset', 'veryfast', '-threads', '1'];
const X265 = (params: string) => [
  '-c:v',
  'libx265',
  '-preset',
  'veryfast',
  '-x265-params',
  `log-level=error:pools=none:frame-threads=1${params}`,
];

const CLIPS: readonly Clip[] = [
  { name: 'high.h264', args: [...X264, '-g', '2', '-bf', '0', '-f', 'h264'], size: '72x40' },
  { name: 'baseline.h264', args: [...X264, '-profile:v', 'baseline', '-g', '3', '-f', 'h264'] },
  {
    name: 'slices-aud-b.h264',
    args: [...X264, '-g', '4', '-x264-params', 'slices=2:aud=1', '-f', 'h264'],
    frames: 6,
  },
  {
    name: 'interlaced.h264',
    args: [...X264, '-flags', '+ildct+ilme', '-x264-params', 'tff=1', '-f', 'h264'],
    size: '64x64',
  },
  { name: 'high10.h264', args: [...X264, '-g', '2', '-f', 'h264'], pixFmt: 'yuv420p10le', frames: 3 },
  { name: 'high444.h264', args: [...X264, '-g', '2', '-f', 'h264'], pixFmt: 'yuv444p', frames: 3 },
  {
    name: 'intra-refresh.h264',
    args: [...X264, '-bf', '0', '-x264-params', 'intra-refresh=1:keyint=3', '-f', 'h264'],
    frames: 6,
  },
  { name: 'main.h265', args: [...X265(':bframes=0:open-gop=0:keyint=2'), '-f', 'hevc'] },
  { name: 'open-gop-b.h265', args: [...X265(':keyint=3:aud=1'), '-f', 'hevc'], frames: 6 },
  {
    name: 'main10.h265',
    args: [...X265(':bframes=0:keyint=2'), '-f', 'hevc'],
    pixFmt: 'yuv420p10le',
    frames: 3,
  },
  { name: 'h264.mp4', args: [...X264, '-g', '2', '-bf', '0'] },
  { name: 'h264-b.mov', args: [...X264, '-g', '3'], frames: 5 },
  { name: 'h264-frag.mp4', args: [...X264, '-g', '2', '-movflags', 'frag_keyframe+empty_moov'] },
  { name: 'h264.mkv', args: [...X264, '-g', '2', '-bf', '0'] },
  { name: 'h265.mp4', args: [...X265(':bframes=0:keyint=2'), '-tag:v', 'hvc1'] },
  { name: 'h265.mkv', args: [...X265(':bframes=0:keyint=2')] },
  {
    name: 'vp9.webm',
    args: ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-threads', '1'],
    frames: 3,
  },
];

async function encodeClip(dir: string, clip: Clip): Promise<[string, Uint8Array]> {
  const out = join(dir, clip.name);
  await run('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi'],
    ...['-i', `testsrc2=size=${clip.size ?? '64x48'}:rate=10`],
    ...['-frames:v', String(clip.frames ?? 4), '-pix_fmt', clip.pixFmt ?? 'yuv420p'],
    ...clip.args,
    out,
  ]);
  return [clip.name, new Uint8Array(readFileSync(out))];
}

/** Runs `jobs` at most `limit` at a time. */
async function pool<T>(limit: number, jobs: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  const lane = async () => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await (jobs[i] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, lane));
  return out;
}

function accessUnits(stream: Uint8Array, codec: VideoCodecName): AccessUnit[] {
  const splitter = new AccessUnitSplitter({ codec, bFrames: 'allow', copy: 'always' });
  return [...splitter.push(stream), ...splitter.end()];
}

/** A recording like `camstream capture` writes: a static codec, then one sample and a few scalars per frame. */
async function videoRecording(aus: AccessUnit[], codec: VideoCodec, batched: boolean): Promise<Uint8Array> {
  const memory = new MemorySink();
  const rec = new RecordingStream({
    applicationId: 'fuzz',
    recordingId: 'seed',
    sinks: [memory],
    clock: () => 1_700_000_000_000_000_000n,
    ...(batched ? { batching: perGop({ maxRows: 4 }) } : {}),
  });
  rec.log('camera', new VideoStream({ codec }), { static: true });
  aus.forEach((au, i) => {
    rec.setTime('frame', { sequence: i });
    rec.setTime('time', { duration: BigInt(i) * 33_333_333n });
    rec.log('camera', VideoStream.fromFields({ sample: au.data }));
    rec.log('stats/bytes', new Scalars([au.data.length, i]));
  });
  await rec.close();
  return memory.bytes().slice();
}

async function scalarRecording(): Promise<Uint8Array> {
  const memory = new MemorySink();
  const rec = new RecordingStream({
    applicationId: 'fuzz',
    recordingId: 'scalars',
    sinks: [memory],
    clock: () => 5n,
  });
  for (let i = 0; i < 5; i++) {
    rec.setTime('step', { sequence: i });
    rec.setTime('wall', { timestamp: 1_700_000_000_000_000_000n + BigInt(i) });
    rec.log(`signals/${i % 2}`, new Scalars([i, -i, i * 0.5]));
  }
  rec.log('static/config', new Scalars([42]), { static: true });
  await rec.close();
  return memory.bytes().slice();
}

/** Re-frames a recording with every ArrowMsg payload as an LZ4 block (what the Rerun SDK writes by default). */
function lz4Recording(rrd: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [streamHeader()];
  for (const m of decodeRrd(rrd).messages) {
    let kind: number;
    let payload: Uint8Array;
    if (m.kind === 'arrow_msg') {
      const proto = clone(ArrowMsgSchema, m.proto);
      const raw = proto.payload;
      const block = lz4jsCompress(raw);
      if (block !== undefined) {
        proto.compression = Compression.LZ4;
        proto.uncompressedSize = BigInt(raw.length);
        proto.payload = block;
      }
      kind = MessageKind.ArrowMsg;
      payload = toBinary(ArrowMsgSchema, proto);
    } else if (m.kind === 'set_store_info') {
      kind = MessageKind.SetStoreInfo;
      payload = toBinary(SetStoreInfoSchema, m.proto);
    } else continue;
    parts.push(messageHeader(kind, payload.length), payload);
  }
  return concatBytes(parts);
}

/** An End message and the 32-byte StreamFooter (`…RRF2FOOT…`) after a recording. */
function withEndAndFooter(rrd: Uint8Array): Uint8Array {
  const footer = new Uint8Array(32);
  footer.set(new TextEncoder().encode('RRF2FOOT'), 20);
  return concatBytes([rrd, messageHeader(MessageKind.End, 0), footer]);
}

/** The messages of a recording, each with its MessageHeader, as raw bytes. */
function rawMessages(rrd: Uint8Array): Uint8Array[] {
  const view = new DataView(rrd.buffer, rrd.byteOffset, rrd.byteLength);
  const out: Uint8Array[] = [];
  for (let at = 12; at + 16 <= rrd.length; ) {
    const end = at + 16 + Number(view.getBigUint64(at + 8, true));
    out.push(rrd.subarray(at, end));
    at = end;
  }
  return out;
}

/**
 * Small recordings: the stream header, the store info and one other message. Arrow decoding costs about a
 * millisecond per message, so most inputs are kept to a few messages; splicing still makes longer ones.
 */
function singleMessageRecordings(rrd: Uint8Array): Uint8Array[] {
  const [info, ...rest] = rawMessages(rrd);
  if (info === undefined) return [];
  return rest.map((m) => concatBytes([rrd.subarray(0, 12), info, m]));
}

function y4m(width: number, height: number, frames: number, header?: string): Uint8Array {
  const parts: Uint8Array[] = [
    header === undefined ? y4mHeaderBytes(width, height, 30) : new TextEncoder().encode(header),
  ];
  for (let i = 0; i < frames; i++) {
    parts.push(i === 1 ? new TextEncoder().encode('FRAME Ip XFOO=1\n') : Y4M_FRAME_LINE);
    if (width % 2 === 0 && height % 2 === 0) {
      parts.push(renderTestPattern({ width, height, fpsNum: 30 }, i).data);
    } else {
      const size = width * height + 2 * ((width + 1) >> 1) * ((height + 1) >> 1);
      parts.push(Uint8Array.from({ length: size }, (_, k) => (k * 7 + i) & 0xff));
    }
  }
  return concatBytes(parts);
}

/**
 * Makes every seed: real H.264/H.265 Annex B streams and MP4/MOV/MKV/WebM files from Debian's ffmpeg (a few
 * frames each, encoded into a temporary folder that is removed again), RRD streams from core's
 * RecordingStream, Y4M streams from core's test pattern.
 */
export async function makeCorpus(): Promise<Corpus> {
  const dir = mkdtempSync(join(tmpdir(), 'camstream-fuzz-seeds-'));
  try {
    const clips = new Map(
      await pool(
        2,
        CLIPS.map((clip) => () => encodeClip(dir, clip)),
      ),
    );
    const pick = (suffixes: string[]) =>
      [...clips].filter(([name]) => suffixes.some((s) => name.endsWith(s))).map(([, bytes]) => bytes);
    const h264 = pick(['.h264']);
    const h265 = pick(['.h265']);
    const h264Aus = accessUnits(clips.get('high.h264') as Uint8Array, 'h264');
    const h265Aus = accessUnits(clips.get('main.h265') as Uint8Array, 'h265');
    const bAus = accessUnits(clips.get('slices-aud-b.h264') as Uint8Array, 'h264');
    const video264 = await videoRecording(h264Aus, VideoCodec.H264, false);
    const video265 = await videoRecording(h265Aus, VideoCodec.H265, true);
    const scalars = await scalarRecording();
    const blueprint = concatStream([
      encodeBlueprintActivation({ kind: 'blueprint', applicationId: 'fuzz', recordingId: 'bp' }),
    ]);
    const rrd = [
      video264,
      video265,
      scalars,
      ...singleMessageRecordings(video264).slice(0, 6),
      ...singleMessageRecordings(video265).slice(0, 4),
      ...singleMessageRecordings(scalars),
      ...singleMessageRecordings(lz4Recording(video264)).slice(0, 6),
      await videoRecording(bAus.slice(0, 3), VideoCodec.H264, false),
      lz4Recording(video264),
      lz4Recording(scalars),
      withEndAndFooter(scalars),
      concatBytes([scalars, blueprint]),
    ];
    const y4ms = [
      y4m(16, 16, 3),
      y4m(8, 6, 2, 'YUV4MPEG2 W8 H6 F30000:1001 It A0:0 C420mpeg2 XYSCSS=420JPEG\n'),
      y4m(7, 5, 2, 'YUV4MPEG2 W7 H5 C420paldv\n'),
      y4m(4, 2, 4, 'YUV4MPEG2 H2 W4 F25:1 C420\n'),
    ];
    return { h264, h265, containers: pick(['.mp4', '.mov', '.mkv', '.webm']), rrd, y4m: y4ms };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
