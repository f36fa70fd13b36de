/**
 * An `EventTarget` whose `addEventListener`/`removeEventListener` know the event type of each name in
 * `EventMap`, so listeners get the event's own fields without a cast. Other names still work as on any
 * `EventTarget`.
 */
export class TypedEventTarget<EventMap> extends EventTarget {
  /** Adds a listener for one of the events of `EventMap`, typed. */
  override addEventListener<K extends keyof EventMap & string>(
    type: K,
    listener: ((event: EventMap[K]) => void) | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | ((event: never) => void) | null,
    options?: boolean | AddEventListenerOptions,
  ): void {
    super.addEventListener(type, listener as EventListenerOrEventListenerObject | null, options);
  }

  /** Removes a listener added with `addEventListener`. */
  override removeEventListener<K extends keyof EventMap & string>(
    type: K,
    listener: ((event: EventMap[K]) => void) | null,
    options?: boolean | EventListenerOptions,
  ): void;
  override removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | EventListenerOptions,
  ): void;
  override removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | ((event: never) => void) | null,
    options?: boolean | EventListenerOptions,
  ): void {
    super.removeEventListener(type, listener as EventListenerOrEventListenerObject | null, options);
  }
}
