import type { Command } from 'commander';

/** How log lines are written to stderr: human text, or one JSON object per line (decision 0010). */
export type LogFormat = 'text' | 'json';

/** Severity of a log line. */
export type LogLevel = 'info' | 'warn' | 'error';

/** Extra machine-readable facts of a log line (numbers, paths, URLs). */
export type LogFields = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** Where a command reports what it does. stdout stays free for results; every log line goes to stderr. */
export interface Logger {
  readonly format: LogFormat;
  /** `--quiet`: info lines are dropped; warnings and errors still print. */
  readonly quiet: boolean;
  info(event: string, message: string, fields?: LogFields): void;
  warn(event: string, message: string, fields?: LogFields): void;
  error(event: string, message: string, fields?: LogFields): void;
}

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  format?: LogFormat;
  quiet?: boolean;
  /** Where lines go (default `process.stderr`). */
  write?: (line: string) => void;
}

/**
 * A {@link Logger}. Text lines read `camstream: <message>`; JSON lines are
 * `{"level","event","message",...fields}`, one per line, so a supervisor can parse them.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const format = options.format ?? 'text';
  const quiet = options.quiet ?? false;
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const emit = (level: LogLevel, event: string, message: string, fields?: LogFields): void => {
    if (quiet && level === 'info') return;
    if (format === 'json') {
      write(`${JSON.stringify({ level, event, message, ...fields })}\n`);
    } else {
      write(`camstream: ${level === 'warn' ? 'warning: ' : ''}${message}\n`);
    }
  };
  return {
    format,
    quiet,
    info: (event, message, fields) => emit('info', event, message, fields),
    warn: (event, message, fields) => emit('warn', event, message, fields),
    error: (event, message, fields) => emit('error', event, message, fields),
  };
}

/** The global output flags every command inherits from the program. */
export interface GlobalFlags {
  readonly quiet?: boolean;
  readonly logFormat?: LogFormat;
}

/** The logger a command should use, from the program's global `--quiet` and `--log-format`. */
export function loggerFor(command: Command): Logger {
  const flags = command.optsWithGlobals<GlobalFlags>();
  return createLogger({ format: flags.logFormat ?? 'text', quiet: flags.quiet === true });
}
