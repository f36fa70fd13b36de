import { Command } from 'commander';
import { ffmpegOption } from '../options/shared-flags.js';

/**
 * `camstream encoders [--json] [--ffmpeg PATH]`: which encoders this machine can use (`list-encoders.ts`,
 * loaded when it runs). Exit 0 even when some fail; 1 when the ffmpeg given with `--ffmpeg` cannot be run.
 */
export function encodersCommand(): Command {
  return new Command('encoders')
    .description(
      'list the encoders this machine can use: a one-frame trial of each of the system ffmpeg’s software and hardware encoders, and ffmpeg.wasm',
    )
    .option('--json', 'print the report as JSON (the EncodersReport type, documented in the README)')
    .addOption(ffmpegOption('the ffmpeg to probe (default: ffmpeg on PATH); exit 1 if it cannot be run'))
    .addHelpText(
      'after',
      `
Examples:
  camstream encoders
  camstream encoders --json | jq '.encoders[] | select(.works) | .name'
  camstream encoders --ffmpeg /opt/ffmpeg/bin/ffmpeg

Each encoder the system ffmpeg lists (libx264, libx265, h264/hevc with nvenc, vaapi, qsv) encodes one black
frame; those that fail say why in one line (no GPU, no driver). ffmpeg.wasm (--encoder wasm) is bundled and
always works. Exit 0 even when some fail, or when there is no system ffmpeg; 1 when the ffmpeg given with
--ffmpeg cannot be run.`,
    )
    .action(async (flags: { json?: boolean; ffmpeg?: string }) => {
      // Loaded on use (decision 0010): `camstream --help` need not load the encoder package.
      const [{ listEncoders }, { formatEncoders }] = await Promise.all([
        import('./list-encoders.js'),
        import('./format-text.js'),
      ]);
      const { report, explicitFailure } = await listEncoders(
        flags.ffmpeg === undefined ? {} : { ffmpegPath: flags.ffmpeg },
      );
      process.stdout.write(
        flags.json === true ? `${JSON.stringify(report, null, 2)}\n` : formatEncoders(report),
      );
      if (explicitFailure !== undefined) throw explicitFailure;
    });
}
