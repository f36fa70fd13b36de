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
export class ServerError extends CamstreamError<ServerErrorCode> {
  constructor(code: ServerErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'ServerError';
  }
}
