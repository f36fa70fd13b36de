import { CamstreamError } from '@camstream/core';

/** Machine-readable error codes of `@camstream/encoder-wasm`. */
export type EncoderErrorCode = 'encoder-failed' | 'invalid-frame' | 'worker-crashed' | 'aborted';

/** Base class of every error `@camstream/encoder-wasm` throws on purpose; `code` says what went wrong. */
export class EncoderError extends Error {
  /** Stable machine-readable code. */
  readonly code: EncoderErrorCode;

  constructor(code: EncoderErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EncoderError';
    this.code = code;
  }
}

/** Whether `error` came from camstream (this package or `@camstream/core`). */
export function isCamstreamError(error: unknown): error is EncoderError | CamstreamError {
  return error instanceof EncoderError || error instanceof CamstreamError;
}
