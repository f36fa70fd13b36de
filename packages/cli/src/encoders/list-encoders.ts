import { probeEncoders } from '@camstream/encoder-ffmpeg';
import { CliError } from '../errors.js';
import { type EncodersReport, encodersReport } from './report.js';

/** Options of {@link listEncoders}. */
export interface ListEncodersOptions {
  /** The ffmpeg to probe, as given with `--ffmpeg`; undefined: `ffmpeg` on PATH. */
  readonly ffmpegPath?: string;
}

/**
 * Probes the system ffmpeg's encoders with one-frame trial encodes (`probeEncoders`) and says which work and
 * what `--encoder auto` picks. A missing ffmpeg is no error here (wasm always works), unless it was asked for
 * by path: then `explicitFailure` is the error to exit with, after the report is printed.
 */
export async function listEncoders(
  options: ListEncodersOptions = {},
): Promise<{ report: EncodersReport; explicitFailure: CliError | undefined }> {
  const probe = await probeEncoders(
    options.ffmpegPath === undefined ? {} : { ffmpegPath: options.ffmpegPath },
  );
  const report = encodersReport(probe);
  const explicitFailure =
    options.ffmpegPath !== undefined && report.ffmpeg === null
      ? new CliError('runtime', `--ffmpeg ${options.ffmpegPath}: ${report.ffmpegError}`)
      : undefined;
  return { report, explicitFailure };
}
