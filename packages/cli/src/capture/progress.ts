import cliProgress from 'cli-progress';
import type { Logger } from '../output/logger.js';
import type { CaptureProgress, CaptureStartInfo } from './options.js';

/** Shows a capture's progress on stderr. */
export interface ProgressView {
  start(info: CaptureStartInfo): void;
  update(progress: CaptureProgress): void;
  /** Clears the bar's line so that a log line printed next starts on a clean line (the bar redraws itself). */
  interrupt(): void;
  stop(): void;
}

/** Options of {@link createProgressView}. */
export interface ProgressViewOptions {
  readonly logger: Logger;
  /** Whether stderr is a terminal that can redraw a line. */
  readonly tty: boolean;
  readonly stream?: NodeJS.WritableStream;
}

/** How often a non-terminal stderr gets a plain progress line, ms. */
const PLAIN_INTERVAL_MS = 5000;

/**
 * A progress bar (frames, fps, ETA) for bounded inputs and a status line (fps, bit rate, latency, drops) for
 * live ones, on a terminal's stderr. Off with `--quiet`; with `--log-format json` or a stderr that is not a
 * terminal, a plain log line every few seconds instead.
 */
export function createProgressView(options: ProgressViewOptions): ProgressView {
  const { logger } = options;
  if (logger.quiet) return { start: () => {}, update: () => {}, interrupt: () => {}, stop: () => {} };
  if (!options.tty || logger.format === 'json') return plainView(logger);
  return terminalView(options.stream ?? process.stderr);
}

function plainView(logger: Logger): ProgressView {
  // One line per source every few seconds; with several, each names its entity.
  const next = new Map<string, number>();
  let several = false;
  return {
    start: (info) => {
      several = info.sources.length > 1;
    },
    update(p) {
      if (p.elapsedMs < (next.get(p.entity) ?? PLAIN_INTERVAL_MS)) return;
      next.set(p.entity, p.elapsedMs + PLAIN_INTERVAL_MS);
      logger.info('progress', several ? `${p.entity}: ${statusText(p)}` : statusText(p), {
        ...(several && { entity: p.entity }),
        frames: p.frames,
        totalFrames: p.totalFrames,
        dropped: p.dropped,
        late: p.late,
        fps: p.fps,
        bitrate: p.bitrate,
        latencyMs: Math.round(p.latencyMs),
      });
    },
    interrupt: () => {},
    stop: () => {},
  };
}

function terminalView(stream: NodeJS.WritableStream): ProgressView {
  let bar: cliProgress.SingleBar | undefined;
  let lastDraw = 0;
  // With several sources: one status line with an entry per source, in the order given.
  let latest: Map<string, CaptureProgress | undefined> | undefined;
  return {
    start(info) {
      const bounded = info.totalFrames !== undefined && info.sources.length === 1;
      if (info.sources.length > 1) latest = new Map(info.sources.map((s) => [s.entity, undefined]));
      bar = new cliProgress.SingleBar(
        {
          stream,
          format: bounded
            ? `capture [{bar}] {percentage}% | {value}/{total} frames | {speed} fps | ETA {eta_formatted} | ${info.encoder}`
            : latest === undefined
              ? `capture {status} | ${info.encoder}`
              : 'capture {status}',
          hideCursor: true,
          clearOnComplete: false,
          etaBuffer: 60,
          fps: 10,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(bounded ? (info.totalFrames ?? 0) : 0, 0, {
        speed: '0',
        status: 'waiting for the first frame',
      });
    },
    update(p) {
      latest?.set(p.entity, p);
      const now = performance.now();
      // cli-progress redraws at most 10×/s itself; avoid building payloads per frame at high rates.
      if (now - lastDraw < 50 && (latest !== undefined || p.frames !== p.totalFrames)) return;
      lastDraw = now;
      if (latest === undefined) bar?.update(p.frames, { speed: p.fps.toFixed(0), status: statusText(p) });
      else bar?.update(0, { status: severalText(latest) });
    },
    interrupt() {
      if (bar !== undefined) stream.write('\r\x1b[2K');
    },
    stop() {
      bar?.stop();
    },
  };
}

/** `front 120 frames 30 fps 0 dropped | rear waiting | …`: one short entry per source. */
function severalText(latest: ReadonlyMap<string, CaptureProgress | undefined>): string {
  return [...latest]
    .map(([entity, p]) =>
      p === undefined
        ? `${entity} waiting`
        : `${entity} ${p.frames}${p.totalFrames === undefined ? '' : `/${p.totalFrames}`} frames ${p.fps} fps ${p.dropped} dropped${p.late > 0 ? ` ${p.late} late` : ''}`,
    )
    .join(' | ');
}

/** `123 frames | 30 fps | 2.1 Mbit/s | latency 41 ms | 0 dropped` (`, 5 late` when the pattern fell behind). */
export function statusText(p: CaptureProgress): string {
  const total = p.totalFrames === undefined ? '' : `/${p.totalFrames}`;
  return `${p.frames}${total} frames | ${p.fps} fps | ${(p.bitrate / 1e6).toFixed(2)} Mbit/s | latency ${Math.round(p.latencyMs)} ms | ${p.dropped} dropped${p.late > 0 ? `, ${p.late} late` : ''}`;
}
