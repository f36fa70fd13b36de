/** One point of the chart: capture fps and encode latency (ms) at one stats tick. */
export interface ChartPoint {
  readonly fps: number;
  readonly latencyMs: number | undefined;
}

/** Colours match the legend's CSS custom properties. */
const FPS_COLOUR = '#4fd18b';
const LATENCY_COLOUR = '#ffb347';
const GRID_COLOUR = '#2b3134';

/**
 * A small two-line chart (fps and encode latency) on a fixed-size canvas: drawing only repaints pixels, so the
 * page layout never moves while stats stream in. Keeps the last `capacity` points (one per stats tick).
 */
export class StatsChart {
  readonly #ctx: CanvasRenderingContext2D;
  readonly #capacity: number;
  readonly #points: ChartPoint[] = [];
  /** Drawing size in CSS pixels (the canvas's width/height attributes as written in the page). */
  readonly #size: { width: number; height: number };

  constructor(canvas: HTMLCanvasElement, capacity = 120) {
    const ctx = canvas.getContext('2d');
    if (ctx === null) throw new Error('the stats chart cannot get a 2D canvas context');
    this.#ctx = ctx;
    this.#capacity = capacity;
    // Sharp lines on high-DPI screens; the CSS size stays fixed.
    const scale = Math.max(1, Math.round(globalThis.devicePixelRatio ?? 1));
    const { width, height } = canvas;
    canvas.width = width * scale;
    canvas.height = height * scale;
    ctx.scale(scale, scale);
    this.#size = { width, height };
    this.draw();
  }

  /** Adds a point and redraws. */
  push(point: ChartPoint): void {
    this.#points.push(point);
    if (this.#points.length > this.#capacity) this.#points.shift();
    this.draw();
  }

  /** Forgets every point (a new session). */
  clear(): void {
    this.#points.length = 0;
    this.draw();
  }

  /** Repaints: a grid, then each series scaled to its own maximum (with a floor, so noise stays flat). */
  draw(): void {
    const ctx = this.#ctx;
    const { width, height } = this.#size;
    ctx.clearRect(0, 0, width, height);
    ctx.strokeStyle = GRID_COLOUR;
    ctx.lineWidth = 1;
    for (const y of [0.25, 0.5, 0.75]) {
      ctx.beginPath();
      ctx.moveTo(0, Math.round(height * y) + 0.5);
      ctx.lineTo(width, Math.round(height * y) + 0.5);
      ctx.stroke();
    }
    this.#series((p) => p.fps, 30, FPS_COLOUR);
    this.#series((p) => p.latencyMs, 20, LATENCY_COLOUR);
  }

  #series(value: (p: ChartPoint) => number | undefined, floor: number, colour: string): void {
    const ctx = this.#ctx;
    const { width, height } = this.#size;
    const values = this.#points.map(value);
    const max = Math.max(floor, ...values.filter((v): v is number => v !== undefined)) * 1.1;
    const step = width / Math.max(1, this.#capacity - 1);
    const offset = this.#capacity - values.length;
    ctx.strokeStyle = colour;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    let pen = false;
    values.forEach((v, i) => {
      if (v === undefined) {
        pen = false;
        return;
      }
      const x = (offset + i) * step;
      const y = height - 2 - (v / max) * (height - 4);
      if (pen) ctx.lineTo(x, y);
      else ctx.moveTo(x, y);
      pen = true;
    });
    ctx.stroke();
  }
}
