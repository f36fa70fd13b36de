import { WebError } from '../errors.js';

/**
 * Starts a module worker (from `url`, or with `spawnDefault`, which holds the literal
 * `new Worker(new URL(…, import.meta.url))` bundlers look for) and waits for its first message that `isReady` accepts. A worker that fails to
 * load (a wrong URL, a bundler that did not copy it) becomes a `worker-failed` error naming the URL.
 */
export function startWorker<T>(
  url: string | URL | undefined,
  spawnDefault: () => Worker,
  name: string,
  first: unknown,
  isReady: (message: T) => boolean,
): Promise<{ worker: Worker; ready: T }> {
  let worker: Worker;
  try {
    worker = url === undefined ? spawnDefault() : new Worker(url, { type: 'module', name });
  } catch (cause) {
    return Promise.reject(
      new WebError(
        'worker-failed',
        `could not start the ${name} worker from ${String(url ?? 'its default URL')}`,
        { cause },
      ),
    );
  }
  return new Promise((resolve, reject) => {
    const done = (): void => {
      worker.removeEventListener('message', onMessage);
      worker.removeEventListener('error', onError);
    };
    const onMessage = (event: MessageEvent<T>): void => {
      const message = event.data as T & { type?: string; code?: string; message?: string };
      if (message.type === 'error') {
        done();
        worker.terminate();
        reject(new WebError((message.code as never) ?? 'worker-failed', message.message ?? 'worker error'));
      } else if (isReady(message)) {
        done();
        resolve({ worker, ready: message });
      }
    };
    const onError = (event: ErrorEvent): void => {
      done();
      worker.terminate();
      reject(
        new WebError(
          'worker-failed',
          `the ${name} worker failed to load from ${String(url ?? 'its default URL')}${event.message ? `: ${event.message}` : ''}; set the session's assets option if your bundler moves it`,
        ),
      );
    };
    worker.addEventListener('message', onMessage);
    worker.addEventListener('error', onError);
    worker.postMessage(first);
  });
}
