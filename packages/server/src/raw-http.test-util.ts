// Raw TCP exchanges for tests: the bytes go out exactly as given, malformed or slow.
import { connect, type Socket } from 'node:net';

/** What a raw exchange saw. */
export interface RawExchange {
  /** Everything received, as latin1. */
  readonly text: string;
  /** The status line received first (`HTTP/1.1 404 Not Found`), if any. */
  readonly statusLine: string | undefined;
  /** The status code of {@link RawExchange.statusLine}. */
  readonly status: number | undefined;
  /** The server closed (or reset) the connection before `timeoutMs`. */
  readonly closedByServer: boolean;
  /** Milliseconds from the first byte sent to the end of the exchange. */
  readonly ms: number;
}

/** Options of {@link rawExchange}. */
export interface RawOptions {
  /** Give up after this many ms (default 5 000). */
  readonly timeoutMs?: number;
  /** Half-close the socket after writing (default `false`). */
  readonly end?: boolean;
  /** Stop as soon as the status line has arrived (default `true`). */
  readonly untilStatus?: boolean;
}

const STATUS = /^HTTP\/1\.[01] (\d{3})[^\r\n]*\r\n/;

/** Sends `bytes` on a fresh connection and collects the answer. */
export function rawExchange(
  port: number,
  bytes: Buffer | string,
  options: RawOptions = {},
): Promise<RawExchange> {
  const { timeoutMs = 5_000, end = false, untilStatus = true } = options;
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const t0 = performance.now();
    let text = '';
    let settled = false;
    const finish = (closedByServer: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const m = STATUS.exec(text);
      resolve({
        text,
        statusLine: m?.[0].trimEnd(),
        status: m === null ? undefined : Number(m[1]),
        closedByServer,
        ms: performance.now() - t0,
      });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      if (untilStatus && STATUS.test(text)) finish(true);
    });
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
    socket.write(bytes);
    if (end) socket.end();
  });
}

/** A connection that sends `bytes` one at a time, every `intervalMs`, until the server closes it. */
export function trickle(
  port: number,
  bytes: string,
  intervalMs: number,
): { socket: Socket; closed: Promise<{ text: string; ms: number; sent: number }> } {
  const socket = connect(port, '127.0.0.1');
  const t0 = performance.now();
  let text = '';
  let sent = 0;
  socket.on('data', (d: Buffer) => {
    text += d.toString('latin1');
  });
  socket.on('error', () => {});
  const timer = setInterval(() => {
    if (socket.writable && sent < bytes.length) socket.write(bytes[sent++]!, 'latin1');
  }, intervalMs);
  const closed = new Promise<{ text: string; ms: number; sent: number }>((resolve) =>
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ text, ms: performance.now() - t0, sent });
    }),
  );
  return { socket, closed };
}

/**
 * Whether a raw socket is still open after `ms` of this process's running time (it is destroyed either way).
 * A stall of the event loop (a starved worker on a busy machine) does not count: the server under test runs
 * in this process and could not act meanwhile, so a wall-clock deadline could pass before it even accepted.
 */
export function openAfter(socket: Socket, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve(false);
    // Read what the server says: a socket with unread data never sees the server's end, so a drop with an
    // answer (Node's 408 for a request that never came) would look like an open connection.
    socket.resume();
    const tickMs = 50;
    let counted = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      // At most two ticks per turn of the loop: I/O (the accept, the close) is handled between turns.
      counted += Math.min(now - last, 2 * tickMs);
      last = now;
      if (counted < ms) return;
      clearInterval(timer);
      socket.off('close', onClose);
      resolve(!socket.destroyed);
      socket.destroy();
    }, tickMs);
    const onClose = () => {
      clearInterval(timer);
      resolve(false);
    };
    socket.once('close', onClose);
  });
}
