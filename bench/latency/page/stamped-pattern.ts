import { type TestPatternColour, testPatternLayout, timeStampBars } from '@camstream/core/media';

type Context2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

const cssColours = new Map<TestPatternColour, string>();
function css(colour: TestPatternColour): string {
  let value = cssColours.get(colour);
  if (value === undefined) {
    value = `rgb(${colour.rgb.join(', ')})`;
    cssColours.set(colour, value);
  }
  return value;
}

/**
 * Paints frame `index` of camstream's moving test pattern (core's `testPatternLayout`, the picture the CLI and
 * the browser session draw) and the time stamp of `ms` across its top (core's `timeStampBars`: the same bars
 * `@camstream/web`'s canvas drawer paints), on a `width`×`height` canvas.
 */
export function paintStampedPattern(
  ctx: Context2D,
  width: number,
  height: number,
  index: number,
  ms: number,
): void {
  const pts = (BigInt(index) * 1_000_000_000n) / 30n;
  for (const rect of testPatternLayout({ width, height, index, pts })) {
    ctx.fillStyle = css(rect.colour);
    ctx.fillRect(rect.x, rect.y, rect.width, rect.height);
  }
  const { band, bars } = timeStampBars(width, height, ms);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(band.x, band.y, band.width, band.height);
  ctx.fillStyle = '#000000';
  for (const bar of bars) ctx.fillRect(bar.x, bar.y, bar.width, bar.height);
}
