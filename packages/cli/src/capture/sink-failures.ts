import { errorMessage } from '@camstream/core/media';
import type { CaptureSinkFailure } from './options.js';
import type { SinkTarget } from './sinks.js';

/** System error codes of a file that cannot be written, in a few words. */
const FILE_ERRORS: Readonly<Record<string, string>> = {
  ENOSPC: 'disk full',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'the file is too large for its file system',
  EIO: 'I/O error',
  EROFS: 'the file system is read-only',
  ENXIO: 'the device is gone',
};

/** What an output was doing, as the one-line message says it. */
function doing(target: SinkTarget): string {
  switch (target.output) {
    case 'save':
      return `saving to ${target.target}`;
    case 'serve':
      return `serving the live viewer at ${target.target}`;
    case 'connect':
      return `streaming to ${target.target}`;
  }
}

/** What still goes on, as the one-line message ends. */
function goesOn(target: SinkTarget): string {
  return target.output === 'serve' ? 'the live server keeps running' : `${doing(target)} goes on`;
}

/** Why a sink failed, in a few words, from what it threw. */
function reasonOf(target: SinkTarget, error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (code === 'write-failed') {
    const known = typeof cause?.code === 'string' ? FILE_ERRORS[cause.code] : undefined;
    if (known !== undefined) return known;
    if (typeof cause?.message === 'string') return cause.message;
  }
  const message = errorMessage(error);
  if (code === 'peer-refused' && target.output === 'connect') {
    return `refused by the server: ${message.replace(`${target.target} refused the recording: `, '')}, check its token`;
  }
  // The messages of connect and publish sinks start with their URL, which the line already names.
  return message.startsWith(`${target.target} `) ? message.slice(target.target.length + 1) : message;
}

/**
 * A failed output as {@link CaptureSinkFailure}: its one-line message names what stopped, why, and what goes
 * on (`stopped saving to x.rrd: disk full; the live server keeps running`).
 */
export function sinkFailure(
  target: SinkTarget,
  error: unknown,
  remaining: readonly SinkTarget[],
): CaptureSinkFailure {
  const reason = reasonOf(target, error);
  const after =
    remaining.length === 0
      ? 'nothing is left to record to, so the capture ends'
      : remaining.map(goesOn).join(' and ');
  return {
    output: target.output,
    target: target.target,
    reason,
    message: `stopped ${doing(target)}: ${reason}; ${after}`,
    error,
  };
}

/** `saving to x.rrd (disk full)`, for summaries. */
export function failureShort(failure: CaptureSinkFailure): string {
  return `${doing(failure)} (${failure.reason})`;
}
