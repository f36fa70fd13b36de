import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { CliError } from '../../errors.js';

/**
 * Checks that `path` is a readable, non-empty regular file, turning Node's errno into one line that names the
 * file and the fix (instead of a raw `ENOENT` stack). Returns its size in bytes.
 */
export async function checkInputFile(path: string): Promise<number> {
  let size: number;
  try {
    const stats = await stat(path);
    if (stats.isDirectory()) throw new CliError('input', `${path} is a directory; expected a video file`);
    if (!stats.isFile() && !stats.isFIFO() && !stats.isCharacterDevice()) {
      throw new CliError('input', `${path} is not a regular file; expected a video file`);
    }
    size = stats.isFile() ? stats.size : Number.POSITIVE_INFINITY;
    await access(path, constants.R_OK);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw fileError(path, error);
  }
  if (size === 0) throw new CliError('input', `${path} is empty; expected a video file`);
  return size;
}

/** A clear {@link CliError} for a failed file operation on an input. */
export function fileError(path: string, error: unknown): CliError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return new CliError('input', `${path} does not exist; check the path (--input FILE)`, { cause: error });
    case 'EACCES':
    case 'EPERM':
      return new CliError('input', `${path} is not readable (permission denied); check its permissions`, {
        cause: error,
      });
    case 'EISDIR':
      return new CliError('input', `${path} is a directory; expected a video file`, { cause: error });
    default:
      return new CliError(
        'input',
        `cannot read ${path}: ${(error as Error | undefined)?.message ?? String(error)}`,
        {
          cause: error,
        },
      );
  }
}
