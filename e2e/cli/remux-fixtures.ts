import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type DecodedChunk, decodeRrd } from '@camstream/core';
import { ffmpeg, type ClipSpec as MediaClipSpec, makeClip } from '@camstream/test-helpers/ffmpeg';

/** The built `camstream` binary, run as a user would (`CAMSTREAM_CLI_BIN` points elsewhere, e.g. an installed one). */
export const BIN =
  process.env.CAMSTREAM_CLI_BIN ?? resolve(import.meta.dirname, '../../packages/cli/dist/bin.js');

/** What a run of the binary did. */
export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node packages/cli/dist/bin.js …args`; needs `pnpm --filter @camstream/cli... build` first. */
export function runCli(args: readonly string[], options: { uid?: number } = {}): CliRun {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run pnpm --filter @camstream/cli... build first`);
  const run = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }),
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** An MP4 clip of these tests: frames, GOP and rate always given, 320x240 unless `size` says otherwise. */
export type ClipSpec = Omit<MediaClipSpec, 'container'> &
  Required<Pick<MediaClipSpec, 'frames' | 'gop' | 'fps'>>;

/** Encodes `spec` to `<dir>/<name>.mp4`. */
export function encodeMp4(dir: string, name: string, spec: ClipSpec): string {
  return makeClip(dir, name, { size: '320x240', ...spec, container: 'mp4' });
}

/** Copies the video of `input` into another container (`mkv`) or to Annex B (`h264`/`h265`), no re-encode. */
export function rewrap(input: string, output: string): string {
  const format = output.endsWith('.h264') ? ['-f', 'h264'] : output.endsWith('.h265') ? ['-f', 'hevc'] : [];
  ffmpeg(['-i', input, '-c', 'copy', ...format, output]);
  return output;
}

/** ffprobe's packets of the first video stream, in decode order (pts in ns if known, keyframe flag, size). */
export function probePackets(path: string): { pts: bigint | undefined; keyframe: boolean; size: number }[] {
  const out = execFileSync(
    'ffprobe',
    [
      ...['-v', 'error', '-select_streams', 'v:0', '-show_packets'],
      ...['-show_entries', 'packet=pts,flags,size:stream=time_base', '-of', 'json', path],
    ],
    { encoding: 'utf8' },
  );
  const json = JSON.parse(out) as {
    packets: { pts?: number; flags: string; size: string }[];
    streams: { time_base: string }[];
  };
  const [num, den] = (json.streams[0]?.time_base ?? '1/1').split('/').map((v) => BigInt(v));
  return json.packets.map((p) => ({
    // Exact on the stream's clock, rounded to the nearest nanosecond.
    pts: p.pts === undefined ? undefined : (BigInt(p.pts) * 1_000_000_000n * num! * 2n + den!) / (2n * den!),
    keyframe: p.flags.includes('K'),
    size: Number(p.size),
  }));
}

/** ffprobe's stream facts. */
export function probeStream(path: string): Record<string, string | number> {
  const out = execFileSync(
    'ffprobe',
    ['-v', 'error', '-select_streams', 'v:0', '-show_streams', '-show_format', '-of', 'json', path],
    { encoding: 'utf8' },
  );
  const json = JSON.parse(out) as {
    streams: Record<string, string | number>[];
    format: Record<string, string>;
  };
  return { ...json.streams[0], format_duration: json.format.duration ?? '' };
}

/** The VideoStream samples of one entity in an `.rrd`, with their times on `timeline`. */
export function readVideoSamples(
  path: string,
  entity = '/video_stream',
  timeline = 'time',
): { codec: unknown; samples: Uint8Array[]; times: bigint[]; chunks: DecodedChunk[] } {
  const { messages, errors } = decodeRrd(new Uint8Array(readFileSync(path)));
  if (errors.length > 0)
    throw new Error(`${path} did not decode: ${errors.map((e) => e.message).join('; ')}`);
  const chunks = messages.flatMap((m) =>
    m.kind === 'arrow_msg' && m.chunk.entityPath === entity ? [m.chunk] : [],
  );
  let codec: unknown;
  const samples: Uint8Array[] = [];
  const times: bigint[] = [];
  for (const chunk of chunks) {
    for (const c of chunk.components) {
      if (c.component === 'VideoStream:codec') codec = c.rows[0]?.[0];
      if (c.component !== 'VideoStream:sample') continue;
      for (const row of c.rows) if (row) samples.push((row[0] as { toArray(): Uint8Array }).toArray());
      times.push(...(chunk.timelines.find((t) => t.name === timeline)?.values ?? []));
    }
  }
  return { codec, samples, times, chunks };
}
