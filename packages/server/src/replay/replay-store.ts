import type { StoredMessage } from './stored-message.js';

/** How much history a late joiner gets. */
export type HistoryMode = 'latest' | 'all';

/** Options of {@link ReplayStore}. */
export interface ReplayStoreOptions {
  /**
   * `latest` (default): store info, blueprint, static chunks, each video entity from its latest keyframe and
   * other temporal data from the earliest of those keyframe times. `all`: everything, in arrival order.
   */
  readonly history?: HistoryMode;
  /** Bytes of payload kept at most (default 1 GiB, like Rerun); oldest temporal data goes first, then static. */
  readonly memoryLimit?: number;
}

interface Entry {
  readonly seq: number;
  readonly message: StoredMessage;
}

/**
 * The per-stream history a new viewer is sent before live data (keyframe-aware, see {@link HistoryMode}).
 * Memory stays bounded: in `latest` mode whatever can no longer be replayed is dropped at every keyframe; in
 * both modes {@link ReplayStoreOptions.memoryLimit} garbage-collects the oldest temporal data first.
 */
export class ReplayStore {
  readonly #history: HistoryMode;
  readonly #limit: number;
  #persistent: Entry[] = [];
  #static: Entry[] = [];
  #temporal: Entry[] = [];
  #seq = 0;
  #bytes = 0;
  /** Per video entity: its latest keyframe message. */
  readonly #keyframes = new Map<string, Entry>();
  /** Messages dropped by the memory limit. */
  #collected = 0;

  constructor(options: ReplayStoreOptions = {}) {
    this.#history = options.history ?? 'latest';
    this.#limit = options.memoryLimit ?? 2 ** 30;
  }

  /** Payload bytes held. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Messages held. */
  get size(): number {
    return this.#persistent.length + this.#static.length + this.#temporal.length;
  }

  /** Messages the memory limit garbage-collected so far. */
  get collected(): number {
    return this.#collected;
  }

  /** Records a message (in arrival order). */
  add(message: StoredMessage): void {
    const entry = { seq: this.#seq++, message };
    this.#bytes += message.size;
    if (message.persistent) this.#persistent.push(entry);
    else if (message.isStatic) this.#static.push(entry);
    else {
      this.#temporal.push(entry);
      if (message.isVideo && message.hasKeyframe && message.entityKey !== undefined) {
        this.#keyframes.set(message.entityKey, entry);
        if (this.#history === 'latest') {
          this.#temporal = this.#select();
          this.#recount();
        }
      }
    }
    this.#enforceLimit();
  }

  /** What a viewer joining now is sent, in order. */
  replay(): StoredMessage[] {
    const temporal = this.#history === 'all' ? this.#temporal : this.#select();
    return [...this.#persistent, ...this.#static, ...temporal].map((e) => e.message);
  }

  /** Forgets everything (a new stream starts). */
  clear(): void {
    this.#persistent = [];
    this.#static = [];
    this.#temporal = [];
    this.#keyframes.clear();
    this.#bytes = 0;
  }

  /** Temporal entries a late joiner needs, in arrival order. */
  #select(): Entry[] {
    if (this.#keyframes.size === 0) return this.#temporal;
    // Earliest keyframe time per timeline, over every video entity.
    const cutoff = new Map<string, bigint>();
    for (const { message } of this.#keyframes.values())
      for (const [name, range] of message.timeRanges) {
        const now = cutoff.get(name);
        if (now === undefined || range.min < now) cutoff.set(name, range.min);
      }
    return this.#temporal.filter(({ seq, message }) => {
      if (message.isVideo && message.entityKey !== undefined) {
        const keyframe = this.#keyframes.get(message.entityKey);
        return keyframe === undefined || seq >= keyframe.seq;
      }
      for (const [name, range] of message.timeRanges) {
        const at = cutoff.get(name);
        if (at !== undefined && range.max < at) return false;
      }
      return true;
    });
  }

  #recount(): void {
    let bytes = 0;
    for (const list of [this.#persistent, this.#static, this.#temporal])
      for (const e of list) bytes += e.message.size;
    this.#bytes = bytes;
  }

  #enforceLimit(): void {
    if (this.#bytes <= this.#limit) return;
    for (const list of [this.#temporal, this.#static]) {
      let drop = 0;
      while (this.#bytes > this.#limit && drop < list.length) {
        const victim = list[drop++]!;
        this.#bytes -= victim.message.size;
        this.#collected++;
        const key = victim.message.entityKey;
        if (key !== undefined && this.#keyframes.get(key) === victim) this.#keyframes.delete(key);
      }
      list.splice(0, drop);
      if (this.#bytes <= this.#limit) return;
    }
  }
}
