import { Command } from 'commander';
import { CliError } from '../errors.js';
import { annexBFpsOption } from '../options/shared-flags.js';
import { loggerFor } from '../output/logger.js';

/** `camstream inspect FILE [--json]`: the commander command behind `inspect()` (`inspect.ts`, loaded when it runs); the report goes to stdout. */
export function inspectCommand(): Command {
  return new Command('inspect')
    .description(
      'report what a video file (MP4/MOV/MKV/WebM/Annex B) or a Rerun recording (.rrd) holds; exit 1 for a damaged .rrd',
    )
    .argument('<file>', 'video file or .rrd recording')
    .option('--json', 'print the report as JSON (the InspectReport type, documented in the README)')
    .addOption(annexBFpsOption())
    .addHelpText(
      'after',
      `
Examples:
  camstream inspect camera.mp4
  camstream inspect camera.rrd --json | jq '.videoStreams[0].video.frames'

A .rrd that ends in a message cut short after its last whole one (what a recorder killed while writing
leaves) is reported as truncated: exit 0, with a warning. Damage before that (a message that does not
decode, broken framing) exits 1; the report of what could be read is still printed (--json too).`,
    )
    .action(async (file: string, flags: { json?: boolean; fps?: number }, command: Command) => {
      // Loaded on use (decision 0010): `camstream --help` need not load the RRD decoder and demuxers.
      const [{ inspect }, { formatReport }] = await Promise.all([
        import('./inspect.js'),
        import('./format-text.js'),
      ]);
      const report = await inspect(file, flags.fps === undefined ? {} : { fps: flags.fps });
      process.stdout.write(
        flags.json === true ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report),
      );
      if (report.kind !== 'rrd') return;
      if (report.damaged) {
        // The report is out; the exit code tells scripts the file is not whole.
        const problems = report.decodeErrors.length - (report.truncated === null ? 0 : 1);
        const first = (report.decodeErrors[0] ?? 'unreadable').replace(/\s*\n\s*/g, ' ');
        throw new CliError(
          'input',
          `${file} is damaged: ${first}${problems > 1 ? ` (and ${problems - 1} more)` : ''}; the report covers what could be read`,
        );
      }
      if (report.truncated !== null) {
        const { bytes, offset } = report.truncated;
        loggerFor(command).warn(
          'truncated',
          `${file} is truncated: the last ${bytes} bytes (from byte ${offset}) are a message cut short, as a recorder killed while writing leaves; everything before it was read`,
          { file, offset, bytes },
        );
      }
    });
}
