import { connect as tcpConnect } from 'node:net';
import { type BatchingPolicy, IMMEDIATE, microBatch, type RecordingStream, type Sink } from '@camstream/core';
import { FileSink } from '@camstream/core/node';
import {
  type CamstreamServer,
  type ConnectSink,
  connectSink,
  proxyOrigin,
  ServerError,
  startServer,
} from '@camstream/server';
import { CliError } from '../errors.js';
import {
  type CaptureBatching,
  type CaptureOutput,
  DEFAULT_SERVE_BATCH_MS,
  type ServeOptions,
} from './options.js';
import { shownAddress } from './serve-options.js';

/** The sinks of one capture, attached to its RecordingStream, and how to end them. */
export interface CaptureSinks {
  readonly file: FileSink | undefined;
  readonly server: CamstreamServer | undefined;
  readonly connection: ConnectSink | undefined;
  /** Every output opened, in order. */
  readonly outputs: readonly SinkTarget[];
  /** Which output a sink of the RecordingStream is (for reporting its failure). */
  outputOf(sink: Sink): SinkTarget | undefined;
  /** Ends what the RecordingStream's close() does not: the server (viewers get their end). */
  close(): Promise<void>;
}

/** One output of a capture: what it is and where it goes (a path, a URL). */
export interface SinkTarget {
  readonly output: CaptureOutput;
  readonly target: string;
}

/** Options of {@link openSinks}. */
export interface SinkOptions {
  readonly save?: string | undefined;
  /** Where and how to serve (token, TLS), already checked by `checkServeOptions`. */
  readonly serve?: ServeOptions | undefined;
  readonly connect?: string | undefined;
  readonly batching?: CaptureBatching | undefined;
  /** `fsync` the `save` file on each timed write. */
  readonly sync?: boolean | undefined;
  /** A live source: `--connect` flushes every 8 ms (Rerun's gRPC default) instead of 200 ms. */
  readonly live: boolean;
}

/**
 * Opens every requested sink and adds it to `rec` with its batching (decision 0010): `--save` and `--connect`
 * micro-batch, `--serve` sends viewers up to 100 ms of frames per message (`--serve-batch`). Each failure is a CliError that
 * names the sink and the fix; sinks opened before a failure are closed again.
 */
export async function openSinks(rec: RecordingStream, options: SinkOptions): Promise<CaptureSinks> {
  let file: FileSink | undefined;
  let server: CamstreamServer | undefined;
  let connection: ConnectSink | undefined;
  try {
    if (options.connect !== undefined) await probeProxy(options.connect);
    if (options.save !== undefined) file = openFile(options.save, options.sync === true);
    if (options.serve !== undefined) server = await serve(options.serve);
    if (options.connect !== undefined) connection = connectSink(options.connect);
  } catch (error) {
    file?.close();
    await server?.close();
    throw error;
  }
  const fileBatching = microBatch({ ...defined(options.batching) });
  const connectBatching = microBatch({ maxDelayMs: options.live ? 8 : 200, ...defined(options.batching) });
  const served = server?.sink();
  const outputs = new Map<Sink, SinkTarget>();
  if (file !== undefined) outputs.set(file, { output: 'save', target: file.path });
  if (served !== undefined && server !== undefined)
    outputs.set(served, { output: 'serve', target: server.url });
  if (connection !== undefined && options.connect !== undefined)
    outputs.set(connection, { output: 'connect', target: options.connect });
  if (file !== undefined) rec.addSink(file, { batching: fileBatching });
  if (served !== undefined) rec.addSink(served, { batching: servedBatching(options.serve?.batchMs) });
  if (connection !== undefined) rec.addSink(connection, { batching: connectBatching });
  return {
    file,
    server,
    connection,
    outputs: [...outputs.values()],
    outputOf: (sink) => outputs.get(sink),
    // A sink that fails (a full disk, a refused or vanished --connect server) is reported through the
    // RecordingStream's onSinkError (decision 0014), not here.
    close: async () => {
      await server?.close();
    },
  };
}

/**
 * Served viewers get the frames of up to `batchMs` as one chunk: the web viewer ingests messages for about
 * 10 ms per drawn frame, so one message per frame falls behind where it draws only a few times a second.
 */
function servedBatching(batchMs = DEFAULT_SERVE_BATCH_MS): BatchingPolicy {
  return batchMs === 0 ? IMMEDIATE : microBatch({ maxDelayMs: batchMs });
}

/** Leaves out undefined fields (exactOptionalPropertyTypes). */
function defined(batching: CaptureBatching | undefined): CaptureBatching {
  const out: { maxRows?: number; maxBytes?: number; maxDelayMs?: number } = {};
  if (batching?.maxRows !== undefined) out.maxRows = batching.maxRows;
  if (batching?.maxBytes !== undefined) out.maxBytes = batching.maxBytes;
  if (batching?.maxDelayMs !== undefined) out.maxDelayMs = batching.maxDelayMs;
  return out;
}

function openFile(path: string, sync: boolean): FileSink {
  if (!path.endsWith('.rrd')) {
    throw new CliError(
      'usage',
      `--save ${path} does not end in .rrd; expected the path of a Rerun recording such as out.rrd`,
    );
  }
  try {
    return new FileSink(path, { sync });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'its folder does not exist'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'it is a directory'
            : (error as Error).message;
    throw new CliError('runtime', `cannot write ${path} (${why}); choose another --save path`, {
      cause: error,
    });
  }
}

async function serve(address: ServeOptions): Promise<CamstreamServer> {
  try {
    return await startServer({
      host: address.host,
      port: address.port,
      ...(address.token !== undefined && { token: address.token }),
      ...(address.tls !== undefined && { tls: address.tls }),
    });
  } catch (error) {
    if (error instanceof ServerError && error.code === 'invalid-option') {
      throw new CliError('usage', `--serve ${shownAddress(address)}: ${error.message}`, { cause: error });
    }
    if (error instanceof ServerError && error.code === 'bind-failed') {
      const cause = (error.cause as NodeJS.ErrnoException | undefined)?.code;
      const why =
        cause === 'EADDRINUSE'
          ? 'the port is in use'
          : cause === 'EACCES'
            ? 'permission denied'
            : error.message;
      throw new CliError(
        'runtime',
        `cannot serve on ${address.host}:${address.port}: ${why}; pick another port with --serve PORT (or stop what listens there)`,
        { cause: error },
      );
    }
    throw error;
  }
}

/**
 * Fails fast when nothing listens at the `--connect` address (the sink itself would buffer and retry forever,
 * which suits a viewer restarting mid-run, not a typo).
 */
async function probeProxy(url: string): Promise<void> {
  let origin: URL;
  try {
    origin = new URL(proxyOrigin(url));
  } catch (error) {
    throw new CliError(
      'usage',
      `--connect ${url} is not a Rerun proxy URL; expected e.g. rerun+http://127.0.0.1:9876/proxy`,
      {
        cause: error,
      },
    );
  }
  const host = origin.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(origin.port || 9876);
  await new Promise<void>((resolve, reject) => {
    const socket = tcpConnect({ host, port, timeout: 3000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    const fail = (why: string, cause?: unknown): void => {
      socket.destroy();
      reject(
        new CliError(
          'runtime',
          `cannot reach ${url} (${why}); start a viewer there first (e.g. rerun, or camstream capture --serve ${port}) or pass another --connect URL`,
          { cause },
        ),
      );
    };
    socket.once('timeout', () => fail('no answer within 3 s'));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      fail(error.code === 'ECONNREFUSED' ? 'connection refused' : (error.code ?? error.message), error),
    );
  });
}
