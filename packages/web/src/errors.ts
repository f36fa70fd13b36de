import { CamstreamError } from '@camstream/core';

/** Machine-readable error codes of `@camstream/web`. */
export type WebErrorCode = 'unsupported' | 'permission-denied' | 'encoder-failed';

/** Base class of every error `@camstream/web` throws on purpose; `code` says what went wrong. */
export class WebError extends Error {
  /** Stable machine-readable code. */
  readonly code: WebErrorCode;

  constructor(code: WebErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WebError';
    this.code = code;
  }
}

/** Whether `error` came from camstream (this package or `@camstream/core`). */
export function isCamstreamError(error: unknown): error is WebError | CamstreamError {
  return error instanceof WebError || error instanceof CamstreamError;
}
