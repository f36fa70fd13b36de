// The light entries (decision 0013): telling errors apart must not load Arrow, protobuf or the server at start-up.
import { CamstreamError } from '@camstream/core/media';
import { EncoderError } from '@camstream/encoder-wasm';
import { ServerError } from '@camstream/server/errors';
import { CliError } from '../errors.js';

/** An error any camstream package throws on purpose: it has a string `code` and a message meant for users. */
export interface KnownError extends Error {
  readonly code: string;
}

/**
 * Whether `error` was thrown on purpose by a camstream package (cli, core, encoder-wasm, server). Each package
 * has its own base class (the MIT packages cannot depend on each other's errors), so each one is asked.
 */
export function isKnownError(error: unknown): error is KnownError {
  return (
    error instanceof CliError ||
    error instanceof CamstreamError ||
    error instanceof EncoderError ||
    error instanceof ServerError
  );
}
