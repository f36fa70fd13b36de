import type { EncoderProbeReport } from '@camstream/encoder-ffmpeg';
import { autoEncoder } from '../capture/auto-encoder.js';

/** One encoder in an {@link EncodersReport}. */
export interface EncoderEntry {
  /** ffmpeg's encoder name (`--encoder ffmpeg:<name>`). */
  readonly name: string;
  readonly codec: 'h264' | 'h265';
  /** `software`, `nvenc`, `vaapi`, `qsv` or `other`. */
  readonly family: string;
  readonly hardware: boolean;
  /** A one-frame trial encode succeeded. */
  readonly works: boolean;
  /** Why it does not work, one line; null when it works. */
  readonly reason: string | null;
}

/** What `camstream encoders --json` prints: a stable shape, every key always present. */
export interface EncodersReport {
  /** The system ffmpeg that was run, or null when it could not be started. */
  readonly ffmpeg: { readonly path: string; readonly version: string } | null;
  /** Why the system ffmpeg cannot be used (not found, …); null when it ran. */
  readonly ffmpegError: string | null;
  /** The system ffmpeg's encoders, in the order tried (empty without ffmpeg). */
  readonly encoders: readonly EncoderEntry[];
  /** ffmpeg.wasm, bundled with the CLI: works everywhere. */
  readonly wasm: { readonly works: true; readonly encoders: readonly string[] };
  /** What `--encoder auto` picks: the system ffmpeg when its libx264 works, else wasm (with the reason). */
  readonly auto: { readonly encoder: 'ffmpeg' | 'wasm'; readonly reason: string | null };
}

/** The encoders ffmpeg.wasm (`@ffmpeg/core` 0.12) runs (its x265 never returns a frame: decision 0018). */
const WASM_ENCODERS = ['libx264'] as const;

/** Turns a probe of the system ffmpeg into the report `camstream encoders` prints. */
export function encodersReport(probe: EncoderProbeReport): EncodersReport {
  const encoders = probe.encoders.map(
    (e): EncoderEntry => ({
      name: e.name,
      codec: e.codec,
      family: e.family,
      hardware: e.hardware,
      works: e.ok,
      reason: e.ok ? null : (e.reason ?? 'failed'),
    }),
  );
  return {
    ffmpeg: probe.ffmpeg === undefined ? null : { path: probe.ffmpeg.path, version: probe.ffmpeg.version },
    ffmpegError: probe.ffmpeg === undefined ? (probe.reason ?? 'ffmpeg could not be run') : null,
    encoders,
    wasm: { works: true, encoders: WASM_ENCODERS },
    auto: autoChoice(probe),
  };
}

function autoChoice(probe: EncoderProbeReport): EncodersReport['auto'] {
  const auto = autoEncoder(probe, 'libx264', probe.ffmpeg?.path ?? 'ffmpeg');
  return auto.backend === 'ffmpeg'
    ? { encoder: 'ffmpeg', reason: null }
    : { encoder: 'wasm', reason: auto.why };
}
