/**
 * Server fan-out benchmark. A 1280x720 30 fps x264 stream (Debian ffmpeg, `-bf 0 -g 30`) logged through a
 * RecordingStream at real-time pace to 1, 10 and 50 gRPC-web readers on loopback (HTTP/1.1, one connection
 * each, as the web viewer reads). Added latency = publish (sink `write`) → frame parsed by the reader.
 * Anchor, same run, same frames, same readers: a bare `node:http` fan-out that writes one pre-built gRPC-web
 * frame per message to every response (the shape of the server's own route); and the same server with
 * `sharedGrpcWebFrames: false` (Connect-ES encodes every message once per reader). Then a soak: RSS growth
 * after warm-up with 10 readers (BENCH_SOAK_SECONDS, default 30; the goal is stated over 10 minutes).
 *
 * Readers live in the same process as the server, so CPU is the whole process (server + readers), for both.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { Agent, createServer, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AccessUnitSplitter,
  type EncodedMessage,
  frameTime,
  RecordingStream,
  type Sink,
  VideoCodec,
  VideoStream,
} from '@camstream/core';
import { startServer } from '@camstream/server';
import { fmt, type Measurement, percentile, type SummaryRow, writeResults } from './lib.js';

const FPS = 30;
const SECONDS = Number(process.env.BENCH_FANOUT_SECONDS ?? 6);
const SOAK_SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 30);
const READERS = [1, 10, 50];

function clip(): Uint8Array[] {
  const path = join(tmpdir(), 'camstream-bench-server-720p-g30-v1.h264');
  if (!existsSync(path))
    execFileSync(
      'ffmpeg',
      ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30']
        .concat(['-frames:v', '300', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-preset', 'veryfast'])
        .concat(['-tune', 'zerolatency', '-bf', '0', '-g', '30', '-f', 'h264', path]),
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
  const splitter = new AccessUnitSplitter({ codec: 'h264', copy: 'always' });
  const bytes = new Uint8Array(readFileSync(path));
  return [...splitter.push(bytes), ...splitter.end()].map((u) => u.data);
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

/** The gRPC-web data frame of `ReadMessagesResponse{log_msg}` for a message, built once. */
function grpcWebFrame(m: EncodedMessage): Buffer {
  const field = m.kind === 'set_store_info' ? 1 : m.kind === 'arrow_msg' ? 2 : 3;
  const inner = Buffer.concat([Buffer.from([(field << 3) | 2, ...varint(m.payload.length)]), m.payload]);
  const outer = Buffer.concat([Buffer.from([0x0a, ...varint(inner.length)]), inner]);
  const head = Buffer.alloc(5);
  head.writeUInt32BE(outer.length, 1);
  return Buffer.concat([head, outer]);
}

/** The bare anchor: node:http, one pre-built frame written to every open response. */
async function bareServer(): Promise<{ port: number; sink: Sink; close(): Promise<void> }> {
  const responses = new Set<ServerResponse>();
  const history: Buffer[] = [];
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/grpc-web+proto', 'cache-control': 'no-cache' });
    res.flushHeaders();
    req.socket.setNoDelay(true);
    for (const f of history) res.write(f);
    responses.add(res);
    res.on('close', () => responses.delete(res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    sink: {
      write(m) {
        const frame = grpcWebFrame(m);
        if (m.kind !== 'arrow_msg' || m.isStatic) history.push(frame);
        for (const res of responses) res.write(frame);
      },
      flush: () => undefined,
      close: () => undefined,
    },
    close: () =>
      new Promise<void>((r) => {
        for (const res of responses) res.end();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** N gRPC-web readers; `onFrame(reader, index)` per data frame. */
function readers(
  port: number,
  n: number,
  onFrame: (index: number) => void,
): { ready: Promise<void>; stop(): void } {
  const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
  const requests: ReturnType<typeof request>[] = [];
  let readyCount = 0;
  let markReady!: () => void;
  const ready = new Promise<void>((r) => {
    markReady = r;
  });
  for (let i = 0; i < n; i++) {
    let buffer: Buffer = Buffer.alloc(0);
    let index = 0;
    const req = request({
      host: '127.0.0.1',
      port,
      agent,
      method: 'POST',
      path: '/rerun.sdk_comms.v1alpha1.MessageProxyService/ReadMessages',
      headers: { 'content-type': 'application/grpc-web+proto', 'x-grpc-web': '1' },
    });
    req.on('response', (res) => {
      res.on('data', (chunk: Buffer) => {
        buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
        while (buffer.length >= 5) {
          const length = buffer.readUInt32BE(1);
          if (buffer.length < 5 + length) break;
          if (buffer[0] === 0) {
            onFrame(index);
            if (index === 1 && ++readyCount === n) markReady();
            index++;
          }
          buffer = buffer.subarray(5 + length);
        }
      });
    });
    req.on('error', () => undefined);
    req.end(Buffer.alloc(5));
    requests.push(req);
  }
  return {
    ready,
    stop: () => {
      for (const r of requests) r.destroy();
      agent.destroy();
    },
  };
}

interface RunResult {
  latencies: number[];
  cpuPerSecond: number;
  rssMb: number;
  received: number;
  expected: number;
}

async function run(
  kind: 'camstream' | 'connect' | 'bare',
  n: number,
  units: Uint8Array[],
  seconds: number,
): Promise<RunResult> {
  const target =
    kind === 'bare'
      ? await bareServer()
      : await startServer({ port: 0, sharedGrpcWebFrames: kind === 'camstream' }).then((s) => ({
          port: s.port,
          sink: s.sink(),
          close: () => s.close(),
        }));
  const published: number[] = [];
  const timing: Sink = {
    write(m) {
      published.push(performance.now());
      target.sink.write(m);
    },
    flush: () => undefined,
    close: () => undefined,
  };
  const rec = new RecordingStream({ applicationId: 'bench', recordingId: `${kind}-${n}`, sinks: [timing] });
  rec.log('camera', new VideoStream({ codec: VideoCodec.H264 }), { static: true });
  const latencies: number[] = [];
  let received = 0;
  const pool = readers(target.port, n, (index) => {
    received++;
    const at = published[index];
    if (index >= 2 && at !== undefined) latencies.push(performance.now() - at);
  });
  await pool.ready;
  const frames = seconds * FPS;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < frames; i++) {
    const due = t0 + (i * 1000) / FPS;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    rec.setTime('time', { duration: frameTime(i, FPS) });
    rec.log('camera', VideoStream.fromFields({ sample: units[i % units.length]! }));
  }
  await new Promise((r) => setTimeout(r, 300));
  const cpu = process.cpuUsage(cpu0);
  const elapsed = (performance.now() - t0) / 1000;
  const rssMb = process.memoryUsage().rss / 2 ** 20;
  pool.stop();
  await target.close();
  return {
    latencies,
    cpuPerSecond: (cpu.user + cpu.system) / 1e6 / elapsed,
    rssMb,
    received,
    expected: n * (frames + 2),
  };
}

async function soak(units: Uint8Array[]): Promise<{ warm: number; end: number; samples: number[] }> {
  const server = await startServer({ port: 0 });
  const rec = new RecordingStream({ applicationId: 'bench', recordingId: 'soak', sinks: [server.sink()] });
  rec.log('camera', new VideoStream({ codec: VideoCodec.H264 }), { static: true });
  const pool = readers(server.port, 10, () => undefined);
  await pool.ready;
  const samples: number[] = [];
  const t0 = performance.now();
  const frames = SOAK_SECONDS * FPS;
  for (let i = 0; i < frames; i++) {
    const wait = t0 + (i * 1000) / FPS - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    rec.setTime('time', { duration: frameTime(i, FPS) });
    rec.log('camera', VideoStream.fromFields({ sample: units[i % units.length]! }));
    if (i % FPS === 0) samples.push(process.memoryUsage().rss / 2 ** 20);
  }
  pool.stop();
  await server.close();
  const warmIndex = Math.min(samples.length - 1, 5);
  return { warm: samples[warmIndex]!, end: samples.at(-1)!, samples };
}

const units = clip();
const measurements: Record<string, Measurement> = {};
const summary: SummaryRow[] = [];
const notes: string[] = [];
const m = (name: string, unit: string, values: number[]): Measurement => {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    name,
    unit,
    median: percentile(sorted, 50),
    min: sorted[0] ?? Number.NaN,
    max: sorted.at(-1) ?? Number.NaN,
    rounds: [],
  };
};
for (const n of READERS) {
  const bare = await run('bare', n, units, SECONDS);
  const ours = await run('camstream', n, units, SECONDS);
  const connect = await run('connect', n, units, SECONDS);
  for (const [kind, r] of [
    ['bare', bare],
    ['camstream', ours],
    ['connect-es gRPC-web', connect],
  ] as const) {
    measurements[`${kind}-${n}`] = m(`${kind} ${n} readers latency`, 'ms', r.latencies);
    notes.push(
      `${kind} ${n} readers: received ${r.received}/${r.expected} frames, p50 ${fmt(percentile(r.latencies, 50))} ms, p99 ${fmt(percentile(r.latencies, 99))} ms, CPU ${fmt(r.cpuPerSecond * 100, 0)}% of a core, RSS ${fmt(r.rssMb, 0)} MB`,
    );
  }
  const p99 = percentile(ours.latencies, 99);
  const bareP99 = percentile(bare.latencies, 99);
  summary.push({
    metric: `${n} readers: added latency p50 / p99`,
    value: `${fmt(percentile(ours.latencies, 50))} / ${fmt(p99)} ms`,
    anchor: `bare node:http ${fmt(percentile(bare.latencies, 50))} / ${fmt(bareP99)} ms`,
    ratio: `${fmt(p99 / bareP99)}x p99`,
    goal: n === 50 ? 'p99 <= 1.5x bare' : '',
  });
  summary.push({
    metric: `${n} readers: same through Connect-ES's gRPC-web (sharedGrpcWebFrames: false)`,
    value: `${fmt(percentile(connect.latencies, 50))} / ${fmt(percentile(connect.latencies, 99))} ms, CPU ${fmt(connect.cpuPerSecond * 100, 0)}%`,
    anchor: `bare node:http`,
    ratio: `${fmt(percentile(connect.latencies, 99) / bareP99)}x p99`,
    goal: '',
  });
  summary.push({
    metric: `${n} readers: CPU, RSS (process)`,
    value: `${fmt(ours.cpuPerSecond * 100, 0)}%, ${fmt(ours.rssMb, 0)} MB`,
    anchor: `${fmt(bare.cpuPerSecond * 100, 0)}%, ${fmt(bare.rssMb, 0)} MB`,
    ratio: `${fmt(ours.cpuPerSecond / bare.cpuPerSecond)}x CPU`,
    goal: '',
  });
}
if (SOAK_SECONDS > 0) {
  const s = await soak(units);
  summary.push({
    metric: `RSS growth after warm-up, 10 readers, ${SOAK_SECONDS} s`,
    value: `${fmt(s.end - s.warm, 1)} MB`,
    anchor: `warm ${fmt(s.warm, 0)} MB`,
    ratio: '',
    goal: '<= 20 MB over 10 min',
  });
  notes.push(`soak RSS samples (MB, 1/s): ${s.samples.map((v) => v.toFixed(0)).join(' ')}`);
}

/** The short results table (also written to bench/results/server.md). */
export const table = writeResults('server', { summary, measurements, notes });
