import { Command } from 'commander';
import { parseFps } from '../remux/command.js';

/** `camstream inspect FILE [--json]`: the commander command behind `inspect()` (`inspect.ts`, loaded when it runs); the report goes to stdout. */
export function inspectCommand(): Command {
  return new Command('inspect')
    .description('report what a video file (MP4/MOV/MKV/WebM/Annex B) or a Rerun recording (.rrd) holds')
    .argument('<file>', 'video file or .rrd recording')
    .option('--json', 'print the report as JSON (the InspectReport type, documented in the README)')
    .option(
      '--fps <rate>',
      'frame rate of Annex B input, which has no timestamps (default: SPS timing, else 25)',
      parseFps,
    )
    .addHelpText(
      'after',
      `
Examples:
  camstream inspect camera.mp4
  camstream inspect camera.rrd --json | jq '.videoStreams[0].video.frames'`,
    )
    .action(async (file: string, flags: { json?: boolean; fps?: number }) => {
      // Loaded on use (decision 0010): `camstream --help` need not load the RRD decoder and demuxers.
      const [{ inspect }, { formatReport }] = await Promise.all([
        import('./inspect.js'),
        import('./format-text.js'),
      ]);
      const report = await inspect(file, flags.fps === undefined ? {} : { fps: flags.fps });
      process.stdout.write(
        flags.json === true ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report),
      );
    });
}
