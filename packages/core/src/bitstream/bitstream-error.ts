import { CamstreamError, type CoreErrorCode } from '../errors.js';

/** The error codes a {@link BitstreamError} can carry. */
export type BitstreamErrorCode = Extract<CoreErrorCode, `bitstream-${string}`>;

/**
 * The only error the bitstream parser throws on purpose. Anything else escaping it is a bug:
 * the property tests feed random and mutated input and check exactly that.
 */
export class BitstreamError extends CamstreamError {
  declare readonly code: BitstreamErrorCode;

  constructor(code: BitstreamErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'BitstreamError';
  }
}

/** True if `error` is a {@link BitstreamError}; optionally with the given code. */
export function isBitstreamError(error: unknown, code?: BitstreamErrorCode): error is BitstreamError {
  return error instanceof BitstreamError && (code === undefined || error.code === code);
}
