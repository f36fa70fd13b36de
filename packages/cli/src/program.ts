import { createRequire } from 'node:module';
import { Command, CommanderError, Option } from 'commander';
import { captureCommand } from './capture/command.js';
import { devicesCommand } from './devices/command.js';
import { encodersCommand } from './encoders/command.js';
import { inspectCommand } from './inspect/command.js';
import { ExitCode, type ExitCodeValue, exitCodeFor } from './output/exit-codes.js';
import { createLogger, type GlobalFlags, type Logger } from './output/logger.js';
import { reportError } from './output/report-error.js';
import { remuxCommand } from './remux/command.js';

/** The package's version, read from its package.json (one level above both `src/` and `dist/`). */
export const VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string })
  .version;

/**
 * The `camstream` commander program: global `--quiet`/`--log-format`, `--version`, and one subcommand per
 * folder (decision 0010). Parse errors do not exit the process: {@link run} maps them to exit code 2.
 */
export function createProgram(): Command {
  const program = new Command('camstream')
    .description(
      'capture, remux and inspect H.264 video for the Rerun 0.33 viewer; list cameras and the encoders this machine can use',
    )
    .version(VERSION, '-V, --version', 'print the version')
    .option('-q, --quiet', 'no progress bar, status line or info lines (errors still print)')
    .addOption(
      new Option('--log-format <format>', 'how log lines on stderr look: text, or one JSON object per line')
        .choices(['text', 'json'])
        .default('text'),
    )
    .addCommand(captureCommand())
    .addCommand(remuxCommand())
    .addCommand(inspectCommand())
    .addCommand(encodersCommand())
    .addCommand(devicesCommand())
    .addHelpText(
      'after',
      `
Examples:
  camstream capture --frames 300 --save pattern.rrd
  camstream capture --serve 9090
  ffmpeg -f v4l2 -i /dev/video0 -f yuv4mpegpipe - | camstream capture --input - --connect
  camstream remux camera.mp4 camera.rrd
  camstream inspect camera.rrd --json
  camstream encoders                                 # which encoders work here, and what --encoder auto picks
  camstream devices                                  # cameras, and the --device value of each
  camstream capture --device /dev/video0 --save camera.rrd   # macOS: --device 0, Windows: --device "USB Camera"

Exit codes: 0 success (also after Ctrl-C), 1 runtime error, 2 usage error.
Run "camstream <command> --help" for a command's flags and examples.`,
    );
  configureTree(program);
  return program;
}

/** Commander settings that `addCommand` does not pass down: no process.exit, one-line usage errors. */
function configureTree(command: Command): void {
  command.exitOverride();
  command.configureOutput({
    outputError: (message) => {
      const flags = rootOf(command).opts<GlobalFlags>();
      // One line (decision 0010): commander may add a second line such as "(Did you mean --save?)".
      const text = message
        .trim()
        .replace(/^error: /, '')
        .replace(/\s*\n\s*/g, ' ');
      const fix = `see "${commandPath(command)} --help"`;
      usageLogger(flags).error('usage', `${text}; ${fix}`);
    },
  });
  for (const sub of command.commands) configureTree(sub);
}

function usageLogger(flags: GlobalFlags): Logger {
  return createLogger({ format: flags.logFormat === 'json' ? 'json' : 'text' });
}

function rootOf(command: Command): Command {
  let root = command;
  while (root.parent !== null) root = root.parent;
  return root;
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c !== null; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * Runs the program on `argv` (as `process.argv`: node, script, args…) and resolves to the exit code; errors
 * are reported on stderr (decision 0010), never thrown.
 */
export async function run(argv: readonly string[]): Promise<ExitCodeValue> {
  const program = createProgram();
  try {
    await program.parseAsync([...argv]);
    return ExitCode.ok;
  } catch (error) {
    if (!(error instanceof CommanderError)) {
      const flags = program.opts<GlobalFlags>();
      reportError(error, createLogger({ format: flags.logFormat === 'json' ? 'json' : 'text' }));
    }
    return exitCodeFor(error);
  }
}
