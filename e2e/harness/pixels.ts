import { PNG } from 'pngjs';

/** Saturated colours of ffmpeg's `testsrc2` bars (the web viewer renders them within ~40 per channel). */
export const TESTSRC2_COLOURS = {
  yellow: [255, 255, 0],
  cyan: [0, 255, 255],
  green: [0, 255, 0],
  magenta: [255, 0, 255],
  red: [255, 0, 0],
  blue: [0, 0, 255],
} as const;

/** Counts pixels within `tolerance` per channel of each named colour. */
export function countColours(
  png: Buffer,
  colours: Record<string, readonly [number, number, number]>,
  tolerance = 40,
): Record<string, number> {
  const image = PNG.sync.read(png);
  const counts: Record<string, number> = Object.fromEntries(Object.keys(colours).map((k) => [k, 0]));
  const entries = Object.entries(colours);
  const data = image.data;
  for (let i = 0; i < data.length; i += 4) {
    const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
    for (const [name, [cr, cg, cb]] of entries) {
      if (Math.abs(r - cr) <= tolerance && Math.abs(g - cg) <= tolerance && Math.abs(b - cb) <= tolerance) {
        counts[name]!++;
      }
    }
  }
  return counts;
}

/** Whether a screenshot shows testsrc2's colour bars: at least `minColours` bar colours with `minPixels` each. */
export function showsColourBars(
  png: Buffer,
  minColours = 4,
  minPixels = 300,
): { ok: boolean; counts: Record<string, number> } {
  const counts = countColours(png, TESTSRC2_COLOURS);
  const present = Object.values(counts).filter((n) => n >= minPixels).length;
  return { ok: present >= minColours, counts };
}

/** Pixels with strong colour (a plotted line, video), as opposed to the viewer's grey UI. */
export function saturatedPixels(png: Buffer): number {
  const { data } = PNG.sync.read(png);
  let n = 0;
  for (let i = 0; i < data.length; i += 4) {
    const max = Math.max(data[i]!, data[i + 1]!, data[i + 2]!);
    const min = Math.min(data[i]!, data[i + 1]!, data[i + 2]!);
    if (max - min > 40) n++;
  }
  return n;
}
