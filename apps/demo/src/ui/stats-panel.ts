import type { StreamStats } from '../stats.js';
import type { PageElements } from './page.js';
import { StatsChart } from './stats-chart.js';

/** The stats numbers and chart. Only text and canvas pixels change, inside fixed-size boxes: no layout shift. */
export class StatsPanel {
  readonly #ui: PageElements;
  readonly #chart: StatsChart;

  constructor(ui: PageElements) {
    this.#ui = ui;
    this.#chart = new StatsChart(ui.chart);
    this.render(null, false);
  }

  /** A new session: an empty chart. */
  reset(encoder: string): void {
    this.#chart.clear();
    this.#ui.encoder.textContent = encoder;
  }

  /** Rates show only while streaming (`live`); counters stay after Stop. Live numbers also go on the chart. */
  render(stats: StreamStats | null, live: boolean): void {
    const ui = this.#ui;
    const rates = live && stats !== null ? stats : undefined;
    ui.fps.textContent = rates === undefined ? '–' : rates.captureFps.toFixed(1);
    ui.kbps.textContent = rates === undefined ? '–' : Math.round(rates.kbps).toString();
    ui.latency.textContent = rates?.latencyMs === undefined ? '–' : rates.latencyMs.toFixed(1);
    ui.frames.textContent = String(stats?.frames ?? 0);
    ui.dropped.textContent = String(stats?.dropped ?? 0);
    if (rates !== undefined) this.#chart.push({ fps: rates.captureFps, latencyMs: rates.latencyMs });
  }
}
