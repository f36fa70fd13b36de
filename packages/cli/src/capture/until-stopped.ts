import { CliError } from '../errors.js';

/** The capture was stopped (Ctrl-C, its `signal`) before any source had opened: nothing was recorded. */
export function stoppedBeforeStart(): CliError {
  return new CliError('runtime', 'stopped before the capture started; nothing was recorded');
}

/**
 * `opening`, unless `signal` fires first: then it rejects at once with {@link stoppedBeforeStart}, since a camera
 * that never answers or a stdin that never sends must not hold up a stop, and what opens late is handed to
 * `discard` (to be closed).
 */
export function unlessStopped<T>(
  opening: Promise<T>,
  signal: AbortSignal | undefined,
  discard?: (late: T) => void,
): Promise<T> {
  if (signal === undefined) return opening;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(stoppedBeforeStart());
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    opening.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) discard?.(value);
        else resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
