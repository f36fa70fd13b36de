import type { StoredMessage } from '../replay/stored-message.js';

/** Options of a {@link Subscriber}. */
export interface SubscriberOptions {
  /**
   * Bytes a viewer may fall behind (default 8 MiB). Past that its queue is emptied of temporal data (store
   * info, blueprint and static chunks stay) and each video entity resumes at its next keyframe.
   */
  readonly maxQueuedBytes?: number;
}

/**
 * One viewer's queue. The producer never waits: a slow viewer is skipped forward to the next keyframe
 * instead of growing memory, and never slows anyone else.
 */
export class Subscriber {
  readonly #max: number;
  #queue: StoredMessage[] = [];
  #head = 0;
  #queued = 0;
  #closed = false;
  #wake: (() => void) | undefined;
  /** Video entities waiting for a keyframe after a skip. */
  readonly #waiting = new Set<string>();
  /** Messages dropped because this viewer was too slow. */
  skipped = 0;
  /** Times this viewer was skipped forward. */
  skips = 0;

  constructor(options: SubscriberOptions = {}) {
    this.#max = options.maxQueuedBytes ?? 8 * 2 ** 20;
  }

  /** Bytes waiting to be sent. */
  get queuedBytes(): number {
    return this.#queued;
  }

  /** Whether {@link Subscriber.close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Queues a message (never blocks). */
  push(message: StoredMessage): void {
    if (this.#closed) return;
    const entity = message.entityKey;
    if (message.isVideo && entity !== undefined && this.#waiting.has(entity)) {
      if (!message.hasKeyframe) {
        this.skipped++;
        return;
      }
      this.#waiting.delete(entity);
    }
    this.#queue.push(message);
    this.#queued += message.size;
    if (this.#queued > this.#max) this.#skipForward();
    this.#wake?.();
  }

  /** Queues the replay a viewer starts with; never skipped, whatever its size. */
  seed(messages: readonly StoredMessage[]): void {
    for (const m of messages) {
      this.#queue.push(m);
      this.#queued += m.size;
    }
    this.#wake?.();
  }

  /** Ends the stream after what is queued. */
  close(): void {
    this.#closed = true;
    this.#wake?.();
  }

  /** The queued messages, as they come, until {@link Subscriber.close} or `signal` aborts. */
  async *messages(signal?: AbortSignal): AsyncGenerator<StoredMessage> {
    const onAbort = () => this.close();
    signal?.addEventListener('abort', onAbort);
    try {
      for (;;) {
        if (signal?.aborted) return;
        if (this.#head < this.#queue.length) {
          const message = this.#queue[this.#head]!;
          this.#queue[this.#head++] = undefined as unknown as StoredMessage;
          this.#queued -= message.size;
          if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
            this.#queue = this.#queue.slice(this.#head);
            this.#head = 0;
          }
          yield message;
          continue;
        }
        if (this.#closed) return;
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
        this.#wake = undefined;
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.#closed = true;
      this.#queue = [];
      this.#head = 0;
      this.#queued = 0;
    }
  }

  /**
   * Drops queued temporal data: each video entity restarts at the latest keyframe already queued (other
   * temporal data from the earliest of those), or, if that is still too much or there is none, everything
   * temporal goes and video resumes at its next keyframe.
   */
  #skipForward(): void {
    const queued = this.#queue.slice(this.#head);
    const lastKeyframe = new Map<string, number>();
    queued.forEach((m, i) => {
      if (m.isVideo && m.hasKeyframe && m.entityKey !== undefined) lastKeyframe.set(m.entityKey, i);
    });
    const from = lastKeyframe.size > 0 ? Math.min(...lastKeyframe.values()) : queued.length;
    const keepFrom = (m: StoredMessage, i: number) =>
      m.isVideo && m.entityKey !== undefined
        ? i >= (lastKeyframe.get(m.entityKey) ?? queued.length)
        : i >= from;
    let kept = queued.filter((m, i) => m.persistent || m.isStatic || keepFrom(m, i));
    if (kept.reduce((n, m) => n + m.size, 0) > this.#max)
      kept = queued.filter((m) => m.persistent || m.isStatic);
    const keptSet = new Set(kept);
    const keptEntities = new Set(kept.map((k) => k.entityKey));
    for (const m of queued) {
      if (keptSet.has(m)) continue;
      this.skipped++;
      if (m.isVideo && m.entityKey !== undefined && !keptEntities.has(m.entityKey))
        this.#waiting.add(m.entityKey);
    }
    this.skips++;
    this.#queue = kept;
    this.#head = 0;
    this.#queued = kept.reduce((n, m) => n + m.size, 0);
  }
}
