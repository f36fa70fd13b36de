/**
 * The video encoders `ffmpeg -encoders` lists, each with the codec it writes: its lines look like
 * ` V....D libx264   libx264 H.264 / AVC … (codec h264)` (flags, name, description, and the codec when its name
 * is not the encoder's: ` V.S... mpeg4   MPEG-4 part 2` writes `mpeg4`); the legend above the `------` line is
 * skipped.
 */
export function parseEncoderList(text: string): Map<string, string> {
  const encoders = new Map<string, string>();
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.trim().startsWith('------'));
  for (const line of lines.slice(start + 1)) {
    const match = /^\s*V[.A-Z]{5}\s+(\S+)/.exec(line);
    const name = match?.[1];
    if (name !== undefined) encoders.set(name, /\(codec (\S+)\)\s*$/.exec(line)?.[1] ?? name);
  }
  return encoders;
}

/** The version in ffmpeg's banner (`ffmpeg version 5.1.9-0+deb12u1 Copyright …` → `5.1.9-0+deb12u1`). */
export function parseFfmpegVersion(text: string): string | undefined {
  return /ffmpeg version (\S+)/.exec(text)?.[1];
}

/**
 * One line saying why a run failed, from its stderr: the first message a component tagged (`[h264_nvenc @ 0x…]
 * Cannot load libcuda.so.1` → `Cannot load libcuda.so.1`), which names the cause; ffmpeg's own generic
 * follow-ups ("Error initializing output stream …") come after it. Without a tagged line, the first line.
 */
export function failureReason(stderr: string): string | undefined {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  for (const line of lines) {
    // Nested contexts tag a line twice: `[h264_nvenc @ 0x…] [Eval @ 0x…] Undefined constant …`.
    const tagged = /^(?:\[[^\]]+ @ 0x[0-9a-f]+\]\s*)+(.+)$/.exec(line);
    if (tagged?.[1] !== undefined) return tagged[1];
  }
  return lines[0];
}
