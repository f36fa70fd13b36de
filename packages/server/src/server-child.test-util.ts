// A server in its own process, so a test can read its memory honestly and see that close() lets the process
// end by itself. Run: node --conditions=@camstream/source --import tsx server-child.test-util.ts '<options>'.
// IPC: it sends { port } when listening; { rss: 'reset' } restarts its peak, { rss: 'peak' } answers
// { peak, now } in bytes; { close: true } closes the server and the IPC channel, and the process must end.
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { startServer } from './server.js';

interface Reply {
  readonly port?: number;
  readonly peak?: number;
  readonly now?: number;
  readonly closed?: boolean;
}

/** A running child server. */
export interface ChildServer {
  readonly port: number;
  /** Restarts the peak RSS measurement; resolves with the RSS now. */
  resetPeak(): Promise<number>;
  /** Peak RSS since the last reset, bytes (sampled every 10 ms). */
  peak(): Promise<number>;
  /** Closes the server; resolves with the exit code once the process has ended by itself, or `'hung'`. */
  close(timeoutMs?: number): Promise<number | 'hung'>;
  kill(): void;
}

/** Starts a server with `options` in a child process. */
export async function startChildServer(options: Record<string, unknown>): Promise<ChildServer> {
  const child: ChildProcess = fork(import.meta.filename, [JSON.stringify(options)], {
    cwd: join(import.meta.dirname, '..', '..', '..'),
    execArgv: ['--conditions=@camstream/source', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const replies: Reply[] = [];
  let wake = () => {};
  child.on('message', (m: Reply) => {
    replies.push(m);
    wake();
  });
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? -1)));
  const next = async (): Promise<Reply> => {
    const deadline = Date.now() + 30_000;
    while (replies.length === 0) {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error('the child server did not answer');
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 100);
      });
    }
    return replies.shift()!;
  };
  const { port } = await next();
  return {
    port: port!,
    async resetPeak() {
      child.send({ rss: 'reset' });
      return (await next()).now!;
    },
    async peak() {
      child.send({ rss: 'peak' });
      return (await next()).peak!;
    },
    async close(timeoutMs = 10_000) {
      child.send({ close: true });
      const timer = new Promise<'hung'>((r) => setTimeout(() => r('hung'), timeoutMs).unref());
      const result = await Promise.race([exited, timer]);
      if (result === 'hung') child.kill('SIGKILL');
      return result;
    },
    kill: () => child.kill('SIGKILL'),
  };
}

// The child side.
if (process.send !== undefined && process.argv[1] === import.meta.filename) {
  const server = await startServer(JSON.parse(process.argv[2] ?? '{}'));
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 10);
  process.on('message', async (m: { rss?: 'reset' | 'peak'; close?: boolean }) => {
    if (m.rss === 'reset') {
      globalThis.gc?.();
      peak = process.memoryUsage.rss();
      process.send!({ now: peak });
    } else if (m.rss === 'peak') {
      peak = Math.max(peak, process.memoryUsage.rss());
      process.send!({ peak, now: process.memoryUsage.rss() });
    } else if (m.close) {
      clearInterval(sampler);
      await server.close();
      // Nothing else holds the process: if the server left a handle behind, it never exits.
      process.disconnect();
    }
  });
  process.send({ port: server.port });
}
