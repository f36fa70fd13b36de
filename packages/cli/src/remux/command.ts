import { Command } from 'commander';
import {
  annexBFpsOption,
  applicationIdOption,
  entityOption,
  recordingIdOption,
  timelineOption,
} from '../options/shared-flags.js';
import { loggerFor } from '../output/logger.js';

/**
 * `camstream remux IN OUT.rrd`: the commander command behind `remux()` (`remux.ts`, loaded when it runs). Progress (a bar on a
 * terminal, else log lines) and the summary go to stderr, honouring `--quiet` and `--log-format`.
 */
export function remuxCommand(): Command {
  return new Command('remux')
    .description(
      'copy the H.264/H.265 video of an MP4/MOV/MKV/WebM or Annex B file into a VideoStream recording (.rrd) without re-encoding',
    )
    .argument('<input>', 'video file: .mp4, .mov, .mkv, .webm, or Annex B .h264/.h265')
    .argument('<output>', 'recording to write (.rrd)')
    .addOption(entityOption())
    .addOption(timelineOption())
    .addOption(applicationIdOption())
    .addOption(recordingIdOption())
    .addOption(annexBFpsOption())
    .addHelpText(
      'after',
      `
Examples:
  camstream remux camera.mp4 camera.rrd
  camstream remux clip.mkv clip.rrd --entity cameras/front --app-id robot
  camstream remux stream.h264 stream.rrd --fps 30

Files with B-frames or open GOPs cannot be played by Rerun 0.33 as they are and are refused;
re-encode them with: camstream capture --input FILE --save OUT.rrd`,
    )
    .action(async (input: string, output: string, flags: RemuxFlags, command: Command) => {
      const log = loggerFor(command);
      // Loaded on use (decision 0010): `camstream --help` need not load the demuxers and the recording stream.
      const [{ remux }, { remuxProgressView }] = await Promise.all([
        import('./remux.js'),
        import('./progress.js'),
      ]);
      const progress = remuxProgressView(log, input, process.stderr.isTTY === true);
      const result = await remux(input, output, {
        entity: flags.entity,
        timeline: flags.timeline,
        applicationId: flags.appId,
        ...(flags.recordingId === undefined ? {} : { recordingId: flags.recordingId }),
        ...(flags.fps === undefined ? {} : { fps: flags.fps }),
        ...(progress === undefined ? {} : { onProgress: progress.update }),
      }).finally(() => progress?.stop());
      log.info(
        'remux-done',
        `wrote ${result.output}: ${result.frames} frames (${result.keyframes} keyframes) of ${result.codec} from ${result.container}, ${result.bytesWritten} bytes`,
        {
          output: result.output,
          frames: result.frames,
          keyframes: result.keyframes,
          bytes: result.bytesWritten,
        },
      );
    });
}

interface RemuxFlags {
  readonly entity: string;
  readonly timeline: string;
  readonly appId: string;
  readonly recordingId?: string;
  readonly fps?: number;
}
