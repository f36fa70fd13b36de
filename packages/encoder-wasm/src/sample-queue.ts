/**
 * A single-consumer async queue: the producer pushes, `end()`s or `fail()`s; the consumer iterates. Unbounded on
 * purpose: it holds encoded samples (small), and the input side is where back-pressure lives.
 */
export class AsyncQueue<T> implements AsyncIterable<T> {
  private items: T[] = [];
  private head = 0;
  private done = false;
  private error: unknown;
  private failed = false;
  private wake: (() => void) | undefined;
  private iterating = false;

  /** Items waiting for the consumer. */
  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    if (this.done) return;
    this.items.push(item);
    this.notify();
  }

  end(): void {
    this.done = true;
    this.notify();
  }

  fail(error: unknown): void {
    if (this.done) return;
    this.failed = true;
    this.error = error;
    this.done = true;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.iterating) throw new Error('samples() can be iterated once');
    this.iterating = true;
    for (;;) {
      if (this.head < this.items.length) {
        const item = this.items[this.head] as T;
        this.items[this.head++] = undefined as T;
        if (this.head > 1024 && this.head * 2 > this.items.length) {
          this.items = this.items.slice(this.head);
          this.head = 0;
        }
        yield item;
        continue;
      }
      if (this.failed) throw this.error;
      if (this.done) return;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }
}
