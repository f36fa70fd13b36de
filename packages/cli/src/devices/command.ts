import { Command } from 'commander';
import { CliError } from '../errors.js';
import { ffmpegOption } from '../options/shared-flags.js';
import { cameraPlatform, HOW_TO_NAME_A_CAMERA } from './camera-platform.js';

/**
 * `camstream devices [--json] [--ffmpeg PATH]`: the cameras the system's ffmpeg can open, each with the
 * `--device` value for `camstream capture`. The listing (`list-devices.ts`) loads when it runs.
 */
export function devicesCommand(): Command {
  return new Command('devices')
    .description('list the cameras the system ffmpeg can open, with the --device value that captures each')
    .option('--json', 'print the cameras as JSON ({ platform, cameras: Camera[] }, documented in the README)')
    .addOption(ffmpegOption('the ffmpeg to run (default: ffmpeg on the PATH)'))
    .addHelpText(
      'after',
      `
How capture --device names a camera:
  Linux    ${HOW_TO_NAME_A_CAMERA.linux}
  macOS    ${HOW_TO_NAME_A_CAMERA.darwin}
  Windows  ${HOW_TO_NAME_A_CAMERA.win32}

Examples:
  camstream devices
  camstream devices --json | jq -r '.cameras[0].device'
  camstream devices --ffmpeg /opt/ffmpeg/bin/ffmpeg

No camera is not an error: "no cameras found" (exit 0) says what to check. Without ffmpeg it exits 1.`,
    )
    .action(async (flags: { json?: boolean; ffmpeg?: string }) => {
      const platform = cameraPlatform(process.platform);
      if (platform === undefined) {
        throw new CliError(
          'runtime',
          `camstream devices knows the cameras of Linux, macOS and Windows, not of ${process.platform}; pipe Y4M from a camera tool into camstream capture --input - instead`,
        );
      }
      // Loaded on use (decision 0010): `camstream --help` need not load the listing.
      const [{ listDevices }, { formatDevices }] = await Promise.all([
        import('./list-devices.js'),
        import('./format-text.js'),
      ]);
      const cameras = await listDevices(
        platform,
        flags.ffmpeg === undefined ? {} : { ffmpegPath: flags.ffmpeg },
      );
      process.stdout.write(
        flags.json === true
          ? `${JSON.stringify({ platform, cameras }, null, 2)}\n`
          : formatDevices(cameras, platform),
      );
    });
}
