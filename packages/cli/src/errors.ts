import { CamstreamError } from '@camstream/core/media';

/** Machine-readable error codes of `@camstream/cli`. */
export type CliErrorCode = 'usage' | 'input' | 'runtime';

/** Base class of every error `@camstream/cli` throws on purpose; `code` says what went wrong. */
export class CliError extends CamstreamError<CliErrorCode> {
  constructor(code: CliErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'CliError';
  }
}
