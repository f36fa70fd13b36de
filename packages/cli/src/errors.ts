import { CamstreamError } from '@camstream/core/media';

/** Machine-readable error codes of `@camstream/cli`. */
export type CliErrorCode = 'usage' | 'input' | 'runtime';

/** Base class of every error `@camstream/cli` throws on purpose; `code` says what went wrong. */
export class CliError extends Error {
  /** Stable machine-readable code. */
  readonly code: CliErrorCode;

  constructor(code: CliErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
    this.code = code;
  }
}

/** Whether `error` came from camstream (this package or `@camstream/core`). */
export function isCamstreamError(error: unknown): error is CliError | CamstreamError {
  return error instanceof CliError || error instanceof CamstreamError;
}
