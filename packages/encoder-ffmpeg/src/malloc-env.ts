/**
 * The environment `FfmpegEncoder` gives its ffmpeg, fit for any ffmpeg that reads raw frames of `frameBytes`
 * bytes: `env` with glibc's malloc set to serve blocks of up to two frames from its heap
 * (`malloc.mmap_threshold`) and to keep up to four frames free at the heap's top (`malloc.trim_threshold`),
 * each at least 1 MiB (2 MiB), unless `env` already sets `GLIBC_TUNABLES` (the user's own choice wins).
 *
 * Why: ffmpeg allocates and frees frame-sized buffers for every frame. Left to its dynamic thresholds,
 * glibc's malloc can settle into handing them back to the system at every free and mapping them again for the
 * next frame, one page fault per 4 KiB. Which way it settles depends on nothing but the heap's layout:
 * measured with Debian's ffmpeg 5.1 and the same 300 frames, the same encode took 2–2.6× the time (4–11× the
 * page faults) with a few more characters on its command line. With these thresholds both cases ran as the
 * fast one (a padded `malloc.top_pad` alone did not). Other C libraries ignore the variable.
 */
export function ffmpegEnv(frameBytes: number, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (env.GLIBC_TUNABLES !== undefined) return env;
  const mmapThreshold = Math.max(MIN_MMAP_THRESHOLD, 2 * Math.ceil(frameBytes));
  return {
    ...env,
    GLIBC_TUNABLES: `glibc.malloc.mmap_threshold=${mmapThreshold}:glibc.malloc.trim_threshold=${2 * mmapThreshold}`,
  };
}

/** Blocks below this come from the heap whatever the frame size (glibc's default is 128 KiB). */
const MIN_MMAP_THRESHOLD = 1 << 20;
