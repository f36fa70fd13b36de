import { afterEach, describe, expect, it, vi } from 'vitest';
import { CliError } from './errors.js';
import { ExitCode, exitCodeFor } from './output/exit-codes.js';
import { createLogger } from './output/logger.js';
import { reportError } from './output/report-error.js';
import { createProgram, VERSION } from './program.js';
import { runCaptured } from './run-captured.test-util.js';

describe('the camstream program', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('has capture, remux, inspect, encoders and devices, each with examples in its help', () => {
    const program = createProgram();
    expect(program.commands.map((c) => c.name())).toEqual([
      'capture',
      'remux',
      'inspect',
      'encoders',
      'devices',
    ]);
    for (const command of program.commands) {
      let help = '';
      command.configureOutput({ writeOut: (s) => (help += s) });
      command.outputHelp();
      expect(help, command.name()).toMatch(/Examples:\n {2}camstream /);
    }
  });

  it('prints the version and help with exit 0', async () => {
    const version = await runCaptured(['--version']);
    expect(version).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
    const help = await runCaptured(['capture', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--batch-delay-ms');
  });

  it('exits 2 with one line naming the flag and the fix for invalid flag values', async () => {
    for (const [args, expected] of [
      [['capture', '--size', '1281x720', '--save', 'x.rrd'], /--size <WxH>.*1281.*even/],
      [['capture', '--fps', 'fast', '--save', 'x.rrd'], /--fps <rate>.*expected e\.g\. 30/],
      [['capture', '--preset', 'quick', '--save', 'x.rrd'], /--preset.*quick.*ultrafast/],
      [
        ['capture', '--crf', '23', '--bitrate', '2M', '--save', 'x.rrd'],
        /--crf.*cannot be used with.*--bitrate/,
      ],
      [['capture', '--nope'], /unknown option '--nope'/],
      [['frobnicate'], /unknown command 'frobnicate'/],
      [['--log-format', 'yaml', 'capture'], /--log-format.*yaml.*text, json/],
      [['capture'], /needs somewhere to send the video; add --save/],
      [
        ['capture', '--app-id', 'camstream.capture', '--save', 'x.rrd'],
        /--app-id <id>.*"camstream\.capture" contains "\." \(U\+002E\).*no dots/,
      ],
      [['remux', 'in.mp4', 'out.rrd', '--app-id', ''], /--app-id <id>.*"" is empty/],
    ] as const) {
      const result = await runCaptured([...args]);
      expect(result.code, args.join(' ')).toBe(ExitCode.usage);
      const lines = result.stderr.trimEnd().split('\n');
      expect(lines, args.join(' ')).toHaveLength(1);
      expect(lines[0]).toMatch(/^camstream: /);
      expect(lines[0]).toMatch(expected);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('writes errors as JSON lines with --log-format json', async () => {
    const result = await runCaptured([
      '--log-format',
      'json',
      'capture',
      '--frames',
      '-3',
      '--save',
      'x.rrd',
    ]);
    expect(result.code).toBe(ExitCode.usage);
    const line = JSON.parse(result.stderr) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'error', event: 'usage' });
    expect(line.message).toMatch(/--frames/);
  });

  it('exits 1 with one line for a runtime error, with the stack only for a bug', async () => {
    const missing = await runCaptured([
      'capture',
      '--input',
      '/nonexistent/clip.y4m',
      '--save',
      '/tmp/never.rrd',
    ]);
    expect(missing.code).toBe(ExitCode.runtime);
    expect(missing.stderr).toBe(
      'camstream: /nonexistent/clip.y4m does not exist; check the path (--input FILE)\n',
    );

    const lines: string[] = [];
    const logger = createLogger({ write: (l) => lines.push(l) });
    reportError(new TypeError('x is undefined'), logger);
    expect(lines[0]).toMatch(
      /^camstream: unexpected error \(please report it\): TypeError: x is undefined\n\s+at /,
    );
    expect(exitCodeFor(new TypeError('bug'))).toBe(ExitCode.runtime);

    const noFfmpeg = await runCaptured(['devices', '--ffmpeg', '/nonexistent/ffmpeg']);
    expect(noFfmpeg).toMatchObject({ code: ExitCode.runtime, stdout: '' });
    expect(noFfmpeg.stderr).toMatch(
      /^camstream: camstream devices needs the system's ffmpeg, and "\/nonexistent\/ffmpeg" was not found; install it \(.+\) or give its path with --ffmpeg PATH\n$/,
    );
    expect(exitCodeFor(new CliError('usage', 'bad'))).toBe(ExitCode.usage);
    expect(exitCodeFor(new CliError('input', 'bad'))).toBe(ExitCode.runtime);
  });
});
