/**
 * One capture of several live test-pattern cameras by `capture()` in a process of its own, for
 * `cameras.bench.ts`: N paced 640x480 30 fps patterns (entities `cam/0…`), each with its own encoder, saved to
 * one `.rrd`. With `stall`, the last camera is a live stdin source (`input: '-'`, `live`) fed Y4M frames at the
 * same rate by this process, which stops feeding it for a while: a camera that stalls. Without `stall` but with
 * `stdinCamera`, the same camera is fed without a pause (the control of the stall rounds).
 *
 * Per frame it records the camera, when the frame was logged (s since the start) and its latency (frame read →
 * sample out, `CaptureProgress.latencyMs`); once a second it samples the RSS of this process and of its
 * children (the native encoders' ffmpeg processes) from /proc.
 *
 * Usage: cameras-capture.ts JSON where JSON is a {@link CamerasRun}.
 * Prints one JSON line: a {@link CamerasResult}.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { type CaptureSourceOptions, capture } from '@camstream/cli';
import { renderTestPattern, Y4M_FRAME_LINE, y4mHeaderBytes } from '@camstream/core/media';

/** What one run captures. */
export interface CamerasRun {
  readonly cameras: number;
  readonly encoder: 'wasm' | 'ffmpeg';
  readonly preset: 'ultrafast' | 'veryfast';
  readonly width: number;
  readonly height: number;
  /** Seconds of the whole run; the bench discards its warm-up itself. */
  readonly seconds: number;
  /** The last camera is fed on stdin by this process (see the file's comment). */
  readonly stdinCamera?: boolean;
  /** With `stdinCamera`: stop feeding it from `at` for `for` seconds. */
  readonly stall?: { readonly at: number; readonly for: number };
}

/** What one run measured. */
export interface CamerasResult {
  /** Per camera: when each frame was logged (s since the start) and its latency (ms), in order. */
  readonly frames: Record<string, { readonly at: number[]; readonly latencyMs: number[] }>;
  /** Per camera: its drop and late counts when it was last logged, with the time (s). */
  readonly counts: Record<string, { readonly at: number; readonly dropped: number; readonly late: number }[]>;
  /** RSS samples, bytes: this process, and its children together. */
  readonly rss: { readonly at: number; readonly self: number; readonly children: number }[];
  readonly encoder: string;
}

const run = JSON.parse(process.argv[2] ?? 'null') as CamerasRun | null;
if (run === null) throw new Error('usage: cameras-capture.ts JSON');
const FPS = 30;
const dir = mkdtempSync(join(tmpdir(), 'camstream-cameras-'));

/** VmRSS of a process, bytes (0 once it has gone). */
function rssOf(pid: number | 'self'): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** The processes whose parent is this one. */
function children(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid) pids.push(Number(entry));
    } catch {
      // Gone between the listing and the read.
    }
  }
  return pids;
}

/**
 * Feeds `stdin` the test pattern as Y4M at 30 fps from now on, paused during `stall`. Thirty distinct frames
 * rendered once and cycled: a written buffer is never changed while it waits in the stream.
 */
function feed(stdin: PassThrough, t0: number, stall: CamerasRun['stall']): () => void {
  const { width, height } = run!;
  const frames = Array.from({ length: FPS }, (_, i) =>
    Buffer.from(renderTestPattern({ width, height, fpsNum: FPS }, i).data),
  );
  stdin.write(y4mHeaderBytes(width, height, FPS));
  let next = 0;
  let timer: NodeJS.Timeout | undefined;
  const tick = (): void => {
    const now = (performance.now() - t0) / 1000;
    const due = Math.floor(now * FPS);
    const stalled = stall !== undefined && now >= stall.at && now < stall.at + stall.for;
    // A camera delivers what it takes while running; a stalled one delivers nothing, then resumes live.
    if (stalled) next = due + 1;
    for (; next <= due; next++) {
      stdin.write(Y4M_FRAME_LINE);
      stdin.write(frames[next % FPS]);
    }
    timer = setTimeout(tick, Math.max(1, (next * 1000) / FPS - (performance.now() - t0)));
  };
  tick();
  return () => {
    clearTimeout(timer);
    stdin.end();
  };
}

const cameras: CaptureSourceOptions[] = Array.from({ length: run.cameras }, (_, i) => ({
  pattern: `${run.width}x${run.height}@${FPS}`,
  entity: `cam/${i}`,
  hue: (360 * i) / run.cameras,
}));
let stdin: PassThrough | undefined;
if (run.stdinCamera === true) {
  stdin = new PassThrough({ highWaterMark: 1 << 20 });
  cameras[cameras.length - 1] = { input: '-', entity: `cam/${run.cameras - 1}` };
}

const result: CamerasResult = { frames: {}, counts: {}, rss: [], encoder: '' };
const abort = new AbortController();
const t0 = performance.now();
const stopFeeding = stdin === undefined ? undefined : feed(stdin, t0, run.stall);
const sampler = setInterval(() => {
  const at = (performance.now() - t0) / 1000;
  result.rss.push({
    at,
    self: rssOf('self'),
    children: children().reduce((sum, pid) => sum + rssOf(pid), 0),
  });
}, 1000);
const stopAt = setTimeout(() => abort.abort(), run.seconds * 1000);

const summary = await capture({
  sources: cameras,
  encoder: run.encoder,
  preset: run.preset,
  // One pattern alone is paced only when asked; several always are.
  realtime: true,
  save: join(dir, 'cameras.rrd'),
  ...(stdin !== undefined && { stdin, live: true }),
  signal: abort.signal,
  onProgress(p) {
    const at = (performance.now() - t0) / 1000;
    const frames = result.frames[p.entity] ?? { at: [], latencyMs: [] };
    result.frames[p.entity] = frames;
    frames.at.push(at);
    frames.latencyMs.push(p.latencyMs);
    const counts = result.counts[p.entity] ?? [];
    result.counts[p.entity] = counts;
    const last = counts.at(-1);
    // Only changes and a point a second: enough to count what happened inside any window.
    if (last === undefined || last.dropped !== p.dropped || last.late !== p.late || at - last.at >= 1)
      counts.push({ at, dropped: p.dropped, late: p.late });
  },
  onSourceEnd(end) {
    process.stderr.write(`${end.message}\n`);
  },
});
clearTimeout(stopAt);
clearInterval(sampler);
stopFeeding?.();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify({ ...result, encoder: summary.encoder })}\n`);
