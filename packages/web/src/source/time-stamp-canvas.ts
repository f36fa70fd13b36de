import { type TimeStampOptions, timeStampBars } from '@camstream/core/media';

/**
 * What {@link drawTimeStampOnCanvas} needs of a 2D context; `CanvasRenderingContext2D` and
 * `OffscreenCanvasRenderingContext2D` both have it.
 */
export type TimeStampCanvasContext = Pick<
  CanvasRenderingContext2D,
  'fillRect' | 'save' | 'restore' | 'setTransform' | 'fillStyle' | 'globalAlpha' | 'globalCompositeOperation'
>;

/**
 * Draws the capture time `ms` (wall-clock milliseconds, e.g. `Date.now()` when the frame was grabbed) on a
 * `width`×`height` canvas as core's time stamp band (`timeStampBars`, the layout `drawTimeStamp` draws into
 * raw frames), so a latency benchmark can read it back with core's `readTimeStamp` from a screenshot of the
 * viewer. Paints in canvas pixels whatever the context's transform, opacity or compositing; the context's
 * state is left as it was.
 *
 * @param options - where the band goes (default: across the top, an eighth of the height, at least 24 rows).
 * @throws core's `SourceError` (`invalid-options`) for a time outside `[0, 2^48)`, a canvas narrower than 80
 *   pixels or a band outside it.
 */
export function drawTimeStampOnCanvas(
  ctx: TimeStampCanvasContext,
  width: number,
  height: number,
  ms: number,
  options?: TimeStampOptions,
): void {
  const { band, bars } = timeStampBars(width, height, ms, options);
  ctx.save();
  try {
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.globalAlpha = 1;
    ctx.globalCompositeOperation = 'source-over';
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(band.x, band.y, band.width, band.height);
    ctx.fillStyle = '#000000';
    for (const bar of bars) ctx.fillRect(bar.x, bar.y, bar.width, bar.height);
  } finally {
    ctx.restore();
  }
}
