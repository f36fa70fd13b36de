import { isCamstreamError } from '@camstream/core/media';
import { CommanderError } from 'commander';

/** Exit codes of the `camstream` binary (decision 0010). */
export const ExitCode = {
  /** Success, also after Ctrl-C: the capture ends cleanly. */
  ok: 0,
  /** A runtime failure: bad input file, port in use, unreachable server, a bug. */
  runtime: 1,
  /** A usage error: unknown flag, invalid flag value, missing argument. */
  usage: 2,
} as const;

/** One of {@link ExitCode}'s values. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** The exit code for an error that ended a command. */
export function exitCodeFor(error: unknown): ExitCodeValue {
  if (error instanceof CommanderError) {
    // --help and --version end through exitOverride too, with commander's own exit code 0.
    return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  }
  if (isCamstreamError(error) && error.code === 'usage') return ExitCode.usage;
  return ExitCode.runtime;
}
