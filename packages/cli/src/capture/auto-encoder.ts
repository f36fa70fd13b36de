import type { EncoderProbeReport } from '@camstream/encoder-ffmpeg';

/** Why a probe lists no encoder of that name. */
export const NOT_IN_BUILD = 'not in this ffmpeg build';

/** What `--encoder auto` makes of a probe: the system ffmpeg, or ffmpeg.wasm and why. */
export type AutoEncoder = { readonly backend: 'ffmpeg' } | { readonly backend: 'wasm'; readonly why: string };

/**
 * The rule of `--encoder auto` (decision 0018), for a capture and for `camstream encoders` alike: the system
 * ffmpeg when its trial encode with the software encoder `name` worked, else ffmpeg.wasm, with the reason.
 */
export function autoEncoder(probe: EncoderProbeReport, name: string, ffmpegPath: string): AutoEncoder {
  const found = probe.encoders.find((e) => e.name === name);
  if (probe.ffmpeg !== undefined && found?.ok === true) return { backend: 'ffmpeg' };
  return {
    backend: 'wasm',
    why:
      probe.ffmpeg === undefined
        ? `no system ffmpeg: ${probe.reason ?? `${ffmpegPath} not found`}`
        : `the system ffmpeg's ${name} does not work: ${found?.reason ?? NOT_IN_BUILD}`,
  };
}
