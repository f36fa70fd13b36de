import { CamstreamError } from '@camstream/core/media';

/** Machine-readable error codes of `@camstream/server`. */
export type ServerErrorCode =
  | 'bind-failed'
  | 'unauthorized'
  | 'bad-request'
  | 'bad-message'
  | 'server-closed'
  | 'invalid-option'
  | 'peer-refused'
  | 'peer-unreachable';

/** Base class of every error `@camstream/server` throws on purpose; `code` says what went wrong. */
export class ServerError extends Error {
  /** Stable machine-readable code. */
  readonly code: ServerErrorCode;

  constructor(code: ServerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ServerError';
    this.code = code;
  }
}

/** Whether `error` came from camstream (this package or `@camstream/core`). */
export function isCamstreamError(error: unknown): error is ServerError | CamstreamError {
  return error instanceof ServerError || error instanceof CamstreamError;
}
