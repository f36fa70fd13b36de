import cliProgress from 'cli-progress';
import type { Logger } from '../output/logger.js';
import type { RemuxProgress } from './remux.js';

/** Shows a remux's progress on stderr; `stop()` before anything else is printed. */
export interface RemuxProgressView {
  readonly update: (progress: RemuxProgress) => void;
  stop(): void;
}

/** A remux that ends sooner than this shows no progress at all, only its summary. */
const QUIET_START_MS = 1000;

/**
 * A progress bar (percent of the input read, frames, ETA) on a terminal's stderr; with `--log-format json`
 * or a stderr that is not a terminal, one log line per tenth of the input. Nothing with `--quiet`, and
 * nothing during the first second, so quick remuxes print one line.
 */
export function remuxProgressView(log: Logger, input: string, tty: boolean): RemuxProgressView | undefined {
  if (log.quiet) return undefined;
  const start = performance.now();
  if (tty && log.format === 'text') {
    let bar: cliProgress.SingleBar | undefined;
    return {
      update({ frames, fraction }) {
        if (bar === undefined) {
          if (performance.now() - start < QUIET_START_MS) return;
          bar = new cliProgress.SingleBar(
            {
              stream: process.stderr,
              format: 'remux [{bar}] {percentage}% | {frames} frames | ETA {eta_formatted}',
              hideCursor: true,
              fps: 10,
            },
            cliProgress.Presets.shades_classic,
          );
          bar.start(1000, 0, { frames });
        }
        bar.update(Math.round(fraction * 1000), { frames });
      },
      stop: () => bar?.stop(),
    };
  }
  let shown = 0;
  return {
    update({ frames, fraction }) {
      const tenth = Math.floor(fraction * 10);
      if (tenth <= shown || performance.now() - start < QUIET_START_MS) return;
      shown = tenth;
      log.info('remux-progress', `remux ${input}: ${tenth * 10}% (${frames} frames)`, {
        percent: tenth * 10,
        frames,
      });
    },
    stop: () => {},
  };
}
