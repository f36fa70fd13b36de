/**
 * A single-consumer queue that a push-style producer (a WebCodecs callback) fills and an `for await` loop
 * drains. `end()` finishes the iteration after the queued items; `fail()` makes it throw after them.
 */
export class AsyncQueue<T> implements AsyncIterable<T> {
  readonly #items: T[] = [];
  #waiting: ((result: IteratorResult<T>) => void) | undefined;
  #rejectWaiting: ((error: unknown) => void) | undefined;
  #ended = false;
  #error: { error: unknown } | undefined;
  #iterating = false;

  /** Items queued and not yet taken. */
  get size(): number {
    return this.#items.length;
  }

  /** Adds an item, or hands it straight to a waiting consumer. Ignored after `end()`/`fail()`. */
  push(item: T): void {
    if (this.#ended) return;
    const waiting = this.#waiting;
    if (waiting !== undefined) {
      this.#clearWaiting();
      waiting({ value: item, done: false });
    } else {
      this.#items.push(item);
    }
  }

  /** Ends the iteration once the queued items are taken. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    const waiting = this.#waiting;
    this.#clearWaiting();
    waiting?.({ value: undefined, done: true });
  }

  /** Ends the iteration with `error`, thrown once the queued items are taken. */
  fail(error: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#error = { error };
    const reject = this.#rejectWaiting;
    this.#clearWaiting();
    reject?.(error);
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.#iterating) throw new Error('AsyncQueue has a single consumer; it is already being iterated');
    this.#iterating = true;
    return {
      next: () => {
        if (this.#items.length > 0) return Promise.resolve({ value: this.#items.shift() as T, done: false });
        if (this.#error !== undefined) return Promise.reject(this.#error.error);
        if (this.#ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise<IteratorResult<T>>((resolve, reject) => {
          this.#waiting = resolve;
          this.#rejectWaiting = reject;
        });
      },
      return: () => {
        this.#items.length = 0;
        this.#ended = true;
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }

  #clearWaiting(): void {
    this.#waiting = undefined;
    this.#rejectWaiting = undefined;
  }
}
