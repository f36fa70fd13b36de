import type { EncodedMessage } from '@camstream/core';
import type { LogMsg } from '@camstream/core/wire';
import { ReplayStore, type ReplayStoreOptions } from '../replay/replay-store.js';
import { type CodecTable, fromEncoded, fromLogMsg, type StoredMessage } from '../replay/stored-message.js';
import { Subscriber, type SubscriberOptions } from './subscriber.js';

/** Options of a {@link Hub}. */
export interface HubOptions extends ReplayStoreOptions, SubscriberOptions {}

/**
 * Where every producer (in-process sinks, `WriteMessages`, the publish socket) meets every viewer: each
 * message goes into the {@link ReplayStore} and to every {@link Subscriber}.
 */
export class Hub {
  readonly store: ReplayStore;
  readonly #subscribers = new Set<Subscriber>();
  readonly #options: SubscriberOptions;
  readonly #videoEntities = new Set<string>();
  readonly #codecs: CodecTable = new Map();
  #closed = false;

  constructor(options: HubOptions = {}) {
    this.store = new ReplayStore(options);
    this.#options = options;
  }

  /** Viewers connected now. */
  get subscriberCount(): number {
    return this.#subscribers.size;
  }

  /** The subscribers (for stats). */
  get subscribers(): ReadonlySet<Subscriber> {
    return this.#subscribers;
  }

  /** Publishes a message from an in-process RecordingStream. */
  publishEncoded(message: EncodedMessage): void {
    this.publish(fromEncoded(message, this.#videoEntities));
  }

  /**
   * Publishes a LogMsg from a client.
   * @throws {ServerError} `bad-message` if it does not decode.
   */
  publishLogMsg(logMsg: LogMsg): void {
    this.publish(fromLogMsg(logMsg, this.#codecs));
  }

  /** Stores a message and hands it to every viewer. */
  publish(message: StoredMessage): void {
    if (this.#closed) return;
    this.store.add(message);
    for (const s of this.#subscribers) s.push(message);
  }

  /** A new viewer: its queue starts with the replay, then live messages follow. */
  subscribe(): Subscriber {
    const subscriber = new Subscriber(this.#options);
    if (this.#closed) {
      subscriber.close();
      return subscriber;
    }
    subscriber.seed(this.store.replay());
    this.#subscribers.add(subscriber);
    return subscriber;
  }

  /** Removes a viewer (it left). */
  unsubscribe(subscriber: Subscriber): void {
    subscriber.close();
    this.#subscribers.delete(subscriber);
  }

  /** Ends every viewer's stream (each gets its trailer after what is queued). */
  close(): void {
    this.#closed = true;
    for (const s of this.#subscribers) s.close();
    this.#subscribers.clear();
  }
}
