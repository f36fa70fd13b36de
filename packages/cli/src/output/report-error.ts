import { isCamstreamError } from '@camstream/core/media';
import { CommanderError } from 'commander';
import type { Logger } from './logger.js';

/**
 * Reports the error that ended a command (decision 0010): a camstream error is one line naming the input and
 * the fix (no stack: it is the user's input, not a bug); an unexpected error prints its stack (that is a bug).
 * Commander's own parse errors were printed by commander already (see `program.ts`).
 */
export function reportError(error: unknown, logger: Logger): void {
  if (error instanceof CommanderError) return;
  if (isCamstreamError(error)) {
    logger.error(error.code, firstLine(error.message), { name: error.name });
    return;
  }
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  logger.error('bug', `unexpected error (please report it): ${stack}`);
}

function firstLine(message: string): string {
  const end = message.indexOf('\n');
  return end < 0 ? message : message.slice(0, end);
}
