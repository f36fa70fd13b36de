import { InvalidArgumentError, Option } from 'commander';
import { flagArgument, parseApplicationId } from '../capture/flags.js';

// Flags that several commands take, each defined once: the same name, help text, parser and default wherever
// it appears. A command adds them with `.addOption(entityOption())`; each call makes a new `Option`, since
// commander keeps per-command state on it.

/** `--entity <path>` (capture, remux): the entity path the video is logged under. */
export function entityOption(): Option {
  return new Option('--entity <path>', 'entity path of the video').default('video_stream');
}

/** `--timeline <name>` (capture, remux): the duration timeline set at each frame's time. */
export function timelineOption(): Option {
  return new Option('--timeline <name>', 'duration timeline set at each frame’s presentation time').default(
    'time',
  );
}

/** `--app-id <id>` (capture, remux): the recording's application id, checked as newer viewers check it. */
export function applicationIdOption(): Option {
  return new Option(
    '--app-id <id>',
    'application id of the recording: letters, digits, _ - space [ ] : (no dots), at most 180 bytes',
  )
    .argParser(flagArgument(parseApplicationId))
    .default('camstream');
}

/** `--ffmpeg <path>` (capture, encoders, devices): the system ffmpeg to run, a path or a name on PATH. */
export function ffmpegOption(description: string): Option {
  return new Option('--ffmpeg <path>', description).argParser((text) => {
    if (text.trim() === '') throw new InvalidArgumentError('--ffmpeg needs a path or a command name');
    return text;
  });
}

/** `--recording-id <id>` (capture, remux): the recording id, else a random UUID. */
export function recordingIdOption(): Option {
  return new Option('--recording-id <id>', 'recording id (default: a random UUID)');
}

/**
 * `--fps <rate>` of a file read as it is (remux, inspect): the frame rate of Annex B input, which has no
 * timestamps. Not capture's `--fps`, which sets the rate of what it captures and takes fractions.
 */
export function annexBFpsOption(): Option {
  return new Option(
    '--fps <rate>',
    'frame rate of Annex B input, which has no timestamps (default: SPS timing, else 25)',
  ).argParser(parseFps);
}

/** Parses `--fps` of {@link annexBFpsOption}: a positive number, else commander's usage error. */
export function parseFps(value: string): number {
  const fps = Number(value);
  if (!Number.isFinite(fps) || fps <= 0) {
    throw new InvalidArgumentError(`expected a positive frame rate such as 30, got ${JSON.stringify(value)}`);
  }
  return fps;
}
