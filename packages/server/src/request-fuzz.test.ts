// Thousands of generated requests, malformed and well-formed, against a live server with a token while a
// viewer streams: the server must answer every one with a status (or, for a cut-off request, a clean close),
// never die, and the viewer's stream must stay whole.
import { connect as connectH2, constants as h2 } from 'node:http2';
import type { Sink } from '@camstream/core';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { rawExchange } from './raw-http.test-util.js';
import { type CamstreamServer, startServer } from './server.js';
import { logFrame, readGrpcWeb, responses, videoRecording } from './test-util.js';

const TOKEN = 'fuzz-token-0123456789';
const RPC = '/rerun.sdk_comms.v1alpha1.MessageProxyService';
const SEED = Number(process.env.CAMSTREAM_FUZZ_SEED ?? 20260501);
const H1_RUNS = 2_400;
const H2_RUNS = 400;
const CONCURRENCY = 12;

let server: CamstreamServer | undefined;
afterAll(() => server?.close());

// ---- generators -------------------------------------------------------------------------------------

const escapes = fc.oneof(
  fc.constantFrom(
    '%zz',
    '%E0%A4%A',
    '%',
    '%%',
    '%2',
    '%2e%2e',
    '%2E',
    '%2f',
    '%2F',
    '%5c',
    '%00',
    '%ff',
    '%c0%af',
  ),
  fc.constantFrom('%25', '%u002e', '%0d%0a', '%e2%80%ae', '%ed%a0%80', '%f0%9f%98', '%C3%28'),
  fc.integer({ min: 0, max: 255 }).map((b) => `%${b.toString(16).padStart(2, '0')}`),
);
const printable = fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c));
// Mostly printable (it reaches the handlers); now and then control characters (the parser's 400s).
const junk = fc.oneof(
  { weight: 5, arbitrary: fc.string({ unit: printable, maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 12 }) },
);
const latin1 = fc.string({
  unit: fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)),
  maxLength: 4,
});
const segment = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom('', '.', '..', '...', 'viewer', 'index.js', 're_viewer', 're_viewer_bg.wasm'),
  },
  {
    weight: 6,
    arbitrary: fc.constantFrom('events', 'publish', 'proxy', 'index.html', 'ReadMessages', 'WriteMessages'),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom('rerun.sdk_comms.v1alpha1.MessageProxyService', 'Nope', '..%2f..', 'etc'),
  },
  { weight: 6, arbitrary: escapes },
  { weight: 3, arbitrary: fc.array(fc.oneof(escapes, junk), { maxLength: 4 }).map((a) => a.join('')) },
  // Raw bytes over 0x7f: Node's parser refuses them (400) before any handler sees them.
  { weight: 1, arbitrary: latin1 },
);
const tokenValue = fc.oneof(
  { weight: 4, arbitrary: fc.constant(TOKEN) },
  { weight: 1, arbitrary: fc.constant(encodeURIComponent(TOKEN)) },
  {
    weight: 3,
    arbitrary: fc.constantFrom('', TOKEN.slice(1), `${TOKEN}x`, `"${TOKEN}"`, `${TOKEN}%`, ` ${TOKEN}`),
  },
  { weight: 4, arbitrary: escapes },
  { weight: 2, arbitrary: fc.tuple(escapes, junk, escapes).map((a) => a.join('')) },
);
const path = fc.oneof(
  { weight: 4, arbitrary: fc.array(segment, { maxLength: 5 }).map((s) => `/${s.join('/')}`) },
  { weight: 4, arbitrary: fc.array(segment, { maxLength: 4 }).map((s) => `/viewer/${s.join('/')}`) },
  { weight: 3, arbitrary: fc.constantFrom(`${RPC}/ReadMessages`, `${RPC}/WriteMessages`, `${RPC}/Nope`) },
  {
    weight: 2,
    arbitrary: fc.constantFrom('/', '/events', '/publish', '/index.html', '//', '/./', '/publish/'),
  },
  { weight: 1, arbitrary: fc.constantFrom('*', '', 'http://127.0.0.1/', 'http://[/x', '/\\..\\x', '/a b') },
  { weight: 1, arbitrary: fc.tuple(junk, latin1).map(([a, b]) => `/${a}${b}`) },
);
const query = fc.oneof(
  { weight: 5, arbitrary: fc.constant('') },
  { weight: 3, arbitrary: tokenValue.map((t) => `?token=${t}`) },
  {
    weight: 2,
    arbitrary: fc
      .array(fc.oneof(escapes, junk, fc.constantFrom('&', '=', '?', 'token=')), { maxLength: 6 })
      .map((a) => `?${a.join('')}`),
  },
);
const contentType = fc.constantFrom(
  'application/grpc-web+proto',
  'application/grpc-web',
  'application/grpc-web-text',
  'application/grpc-web+json',
  'application/grpc-web+proto; charset=x',
  'application/grpc',
  'application/grpc+proto',
  'application/connect+proto',
  'application/connect+json',
  'application/proto',
  'application/json',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/grpc-webX',
  '',
);
const header = fc.oneof(
  { weight: 3, arbitrary: tokenValue.map((t) => ['cookie', `camstream_token=${t}`]) },
  {
    weight: 1,
    arbitrary: fc.tuple(tokenValue, junk).map(([t, j]) => ['cookie', `a=${j}; camstream_token=${t}; ${j}`]),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('=', ';;', 'camstream_token', 'camstream_token==%zz', '%zz=%zz')
      .map((c) => ['cookie', c]),
  },
  { weight: 3, arbitrary: tokenValue.map((t) => ['authorization', `Bearer ${t}`]) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('Bearer', 'bearer ', 'Basic Zm9vOmJhcg==', TOKEN, `Bearer  ${TOKEN}  `)
      .map((a) => ['authorization', a]),
  },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(
        'http://localhost:3000',
        'http://127.0.0.1',
        'https://evil.example',
        'null',
        '',
        'http://[::1]:1',
      )
      .map((o) => ['origin', o]),
  },
  { weight: 1, arbitrary: fc.tuple(junk, latin1).map(([a, b]) => ['origin', `http://${a}${b}`]) },
  { weight: 4, arbitrary: contentType.map((t) => ['content-type', t]) },
  { weight: 2, arbitrary: fc.constant(['x-grpc-web', '1']) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('gzip', 'br', 'identity', 'zstd', 'junk').map((e) => ['grpc-encoding', e]),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('1S', '0m', '99999999H', 'junk', '-1S').map((t) => ['grpc-timeout', t]),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('POST', 'GET', 'X').map((m) => ['access-control-request-method', m]),
  },
  { weight: 1, arbitrary: fc.tuple(junk, latin1).map(([a, b]) => ['access-control-request-headers', a + b]) },
  { weight: 1, arbitrary: fc.constantFrom('100-continue', 'junk').map((e) => ['expect', e]) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('127.0.0.1', 'x', '', 'a b', '[', '[::1]:9876', 'h\u00e9')
      .map((h) => ['host', h]),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.stringMatching(/^[a-z-]{1,12}$/), junk, latin1).map(([n, a, b]) => [n, a + b]),
  },
) as fc.Arbitrary<[string, string]>;

const envelope = fc
  .tuple(
    fc.constantFrom(0, 1, 0x80, 0xff, 2),
    fc.oneof(
      { weight: 3, arbitrary: fc.integer({ min: 0, max: 64 }) },
      { weight: 1, arbitrary: fc.constantFrom(0xffffffff, 0x7fffffff, 300 * 2 ** 20, 2 ** 24) },
    ),
    fc.uint8Array({ maxLength: 64 }),
  )
  .map(([flag, length, payload]) => {
    const head = Buffer.alloc(5);
    head[0] = flag;
    head.writeUInt32BE(length, 1);
    return Buffer.concat([head, payload]);
  });
const body = fc.oneof(
  { weight: 3, arbitrary: fc.constant(Buffer.alloc(0)) },
  { weight: 2, arbitrary: fc.constant(Buffer.alloc(5)) },
  { weight: 4, arbitrary: envelope },
  { weight: 2, arbitrary: fc.array(envelope, { minLength: 2, maxLength: 4 }).map((e) => Buffer.concat(e)) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)) },
);
const upgrade = fc.oneof(
  { weight: 6, arbitrary: fc.constant([] as [string, string][]) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom('dGhlIHNhbXBsZSBub25jZQ==', '', 'short', '%zz')
      .map((key): [string, string][] => [
        ['upgrade', 'websocket'],
        ['connection', 'Upgrade'],
        ['sec-websocket-key', key],
        ['sec-websocket-version', '13'],
      ]),
  },
  {
    weight: 1,
    arbitrary: fc.constant<[string, string][]>([
      ['upgrade', 'h2c'],
      ['connection', 'Upgrade, HTTP2-Settings'],
      ['http2-settings', ''],
    ]),
  },
);

/** How the request ends: sent whole, cut short then half-closed, or cut short and left hanging. */
type Mode = 'complete' | 'cut-close' | 'cut-wait';

interface H1Case {
  readonly bytes: Buffer;
  readonly mode: Mode;
}

const h1Case: fc.Arbitrary<H1Case> = fc
  .record({
    method: fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom('GET', 'POST', 'HEAD', 'OPTIONS') },
      {
        weight: 1,
        arbitrary: fc.constantFrom('PUT', 'DELETE', 'PATCH', 'CONNECT', 'TRACE', 'get', 'BREW', 'G\u00c9T'),
      },
    ),
    path,
    query,
    version: fc.oneof(
      { weight: 12, arbitrary: fc.constant('HTTP/1.1') },
      { weight: 1, arbitrary: fc.constantFrom('HTTP/1.0', 'HTTP/2.0', 'HTTP/9.9', 'HTTP/1.1x') },
    ),
    host: fc.oneof({ weight: 8, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    headers: fc.array(header, { maxLength: 6 }),
    upgrade,
    body,
    length: fc.oneof(
      { weight: 10, arbitrary: fc.constant('exact') },
      { weight: 1, arbitrary: fc.constantFrom('none', 'chunked', 'junk', 'twice', 'negative') },
    ),
    mode: fc.oneof(
      { weight: 88, arbitrary: fc.constant<Mode>('complete') },
      { weight: 10, arbitrary: fc.constant<Mode>('cut-close') },
      { weight: 2, arbitrary: fc.constant<Mode>('cut-wait') },
    ),
  })
  .map((r) => {
    const lines = [`${r.method} ${r.path}${r.query} ${r.version}`];
    if (r.host) lines.push('host: 127.0.0.1');
    for (const [name, value] of [...r.headers, ...r.upgrade]) lines.push(`${name}: ${value}`);
    let payload = r.body;
    const declared = r.mode === 'complete' ? payload.length : payload.length + 17;
    if (r.length === 'exact') lines.push(`content-length: ${declared}`);
    else if (r.length === 'junk') lines.push('content-length: 12abc');
    else if (r.length === 'twice')
      lines.push(`content-length: ${declared}`, `content-length: ${declared + 1}`);
    else if (r.length === 'negative') lines.push('content-length: -5');
    else if (r.length === 'chunked') {
      lines.push('transfer-encoding: chunked');
      const chunk = Buffer.concat([
        Buffer.from(`${payload.length.toString(16)}\r\n`),
        payload,
        Buffer.from('\r\n'),
      ]);
      payload = r.mode === 'complete' ? Buffer.concat([chunk, Buffer.from('0\r\n\r\n')]) : chunk;
    }
    const bytes = Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), payload]);
    return { bytes, mode: r.mode };
  })
  // Bytes starting with the HTTP/2 preface's first letters go to HTTP/2 (fuzzed below).
  .filter((c) => !c.bytes.subarray(0, 3).equals(Buffer.from('PRI')));

interface H2Case {
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  readonly end: boolean;
}

const h2Case: fc.Arbitrary<H2Case> = fc
  .record({
    method: fc.constantFrom('GET', 'POST', 'HEAD', 'OPTIONS', 'PUT'),
    path,
    query,
    headers: fc.array(header, { maxLength: 5 }),
    body,
    end: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  })
  .map((r) => {
    const headers: Record<string, string> = { ':method': r.method, ':path': `${r.path}${r.query}` || '/' };
    for (const [name, value] of r.headers)
      if (name !== 'host' && name !== 'connection') headers[name] = value;
    return { headers, body: r.body, end: r.end };
  });

// ---- runners ----------------------------------------------------------------------------------------

interface Failure {
  readonly what: string;
  readonly request: string;
}

async function pool<T>(
  items: readonly T[],
  concurrency: number,
  run: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await run(items[next++]!);
    }),
  );
}

async function runH1(
  port: number,
  cases: readonly H1Case[],
  statuses: Map<number, number>,
  failures: Failure[],
) {
  await pool(cases, CONCURRENCY, async (c) => {
    const answer = await rawExchange(port, c.bytes, { end: c.mode === 'cut-close', timeoutMs: 6_000 });
    const request = JSON.stringify(c.bytes.toString('latin1').slice(0, 400));
    if (answer.status !== undefined) statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    if (answer.text.length > 0 && answer.status === undefined)
      failures.push({ what: `no status line: ${JSON.stringify(answer.text.slice(0, 80))}`, request });
    else if (answer.status === undefined && !answer.closedByServer)
      failures.push({ what: `held open with no answer (${c.mode})`, request });
    else if (answer.status === undefined && c.mode === 'complete')
      failures.push({ what: 'closed with no answer', request });
    else if (answer.status !== undefined && answer.status >= 500 && answer.status !== 505)
      failures.push({ what: answer.statusLine!, request });
  });
}

async function runH2(
  port: number,
  cases: readonly H2Case[],
  statuses: Map<number, number>,
  failures: Failure[],
) {
  let session = connectH2(`http://127.0.0.1:${port}`);
  session.on('error', () => {});
  let sessions = 1;
  // Four at a time: node's client refuses some header sets itself (skipped); the server answers the rest.
  await pool(cases, 4, async (c) => {
    if (session.closed || session.destroyed) {
      session = connectH2(`http://127.0.0.1:${port}`);
      session.on('error', () => {});
      sessions++;
    }
    const request = JSON.stringify(c);
    await new Promise<void>((resolve) => {
      let stream: ReturnType<typeof session.request>;
      try {
        stream = session.request(c.headers, { endStream: c.end && c.body.length === 0 });
      } catch {
        resolve();
        return;
      }
      let answered = false;
      const timer = setTimeout(() => {
        failures.push({ what: 'h2: no answer', request });
        stream.close(h2.NGHTTP2_CANCEL);
        resolve();
      }, 6_000);
      stream.on('response', (headers) => {
        answered = true;
        const status = Number(headers[':status']);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status >= 500) failures.push({ what: `h2: ${status}`, request });
        stream.close(h2.NGHTTP2_CANCEL);
      });
      stream.on('error', () => {});
      stream.on('close', () => {
        clearTimeout(timer);
        // A stream the server reset without answering is HTTP/2's "bad request"; anything else is a hang.
        if (!answered && stream.rstCode === h2.NGHTTP2_NO_ERROR && !session.destroyed)
          failures.push({ what: 'h2: closed with no answer', request });
        resolve();
      });
      if (c.body.length > 0) stream.write(c.body);
      if (c.end) stream.end();
      else setTimeout(() => stream.close(h2.NGHTTP2_CANCEL), 50);
    });
  });
  session.close();
  return sessions;
}

// ---- the test ---------------------------------------------------------------------------------------

describe('request fuzzing against a live server with a token', () => {
  it(`answers ${H1_RUNS} HTTP/1.1 and ${H2_RUNS} HTTP/2 generated requests and keeps a viewer streaming`, async () => {
    server = await startServer({
      port: 0,
      token: TOKEN,
      // Short limits, so cut-off requests are answered quickly; a live stream outlasts every one of them.
      handshakeTimeout: 1_000,
      headersTimeout: 1_000,
      requestTimeout: 1_500,
      idleTimeout: 1_000,
    } as Parameters<typeof startServer>[0]);
    const port = server.port;

    // A camera logging into the server's sink all the time, counted.
    let published = 0;
    const inner = server.sink();
    const counting: Sink = {
      write: (m) => {
        published++;
        inner.write(m);
      },
      flush: () => inner.flush(),
      close: () => inner.close(),
    };
    const rec = videoRecording([counting]);
    const viewer = readGrpcWeb(port, { authorization: `Bearer ${TOKEN}` });
    expect(await viewer.status).toBe(200);
    await viewer.waitFor(2); // store info + static codec
    const before = { published, written: server.stats().written, publish: server.stats().publish.messages };
    let frame = 0;
    const camera = setInterval(() => logFrame(rec, frame++, 30), 33);

    const statuses = new Map<number, number>();
    const failures: Failure[] = [];
    const h1 = fc.sample(h1Case, { numRuns: H1_RUNS, seed: SEED });
    const h2Cases = fc.sample(h2Case, { numRuns: H2_RUNS, seed: SEED + 1 });
    const t0 = performance.now();
    const [, sessions] = await Promise.all([
      runH1(port, h1, statuses, failures),
      runH2(port, h2Cases, statuses, failures),
    ]);
    const fuzzMs = performance.now() - t0;
    clearInterval(camera);
    await rec.flush();

    // Every request was answered (or, cut off by the client, closed cleanly); no 5xx, no error inside.
    expect(server.stats().internalErrors).toBe(0);
    expect(failures.slice(0, 5), `${failures.length} failures (seed ${SEED})`).toEqual([]);
    // The generator reaches the interesting answers.
    const seen = [...statuses.keys()].sort();
    for (const s of [200, 400, 401, 404]) expect(seen, JSON.stringify([...statuses])).toContain(s);

    // The server still serves.
    const page = await rawExchange(
      port,
      `GET / HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${TOKEN}\r\n\r\n`,
    );
    expect(page.status).toBe(200);

    // The viewer got everything logged (minus any designed skip, which the stats count), in time.
    const stats = server.stats();
    const skipped = stats.skipped;
    const expected =
      2 +
      (published - before.published) +
      (stats.written - before.written) +
      (stats.publish.messages - before.publish) -
      skipped;
    await viewer.waitFor(expected, 15_000);
    const data = viewer.frames.filter((f) => 'data' in f);
    expect(data).toHaveLength(expected);
    expect(responses(viewer.frames).every((r) => r.logMsg !== undefined)).toBe(true);
    const gaps = viewer.arrivals.slice(3).map((t, i) => t - viewer.arrivals[i + 2]!);
    const maxGap = Math.max(...gaps);
    expect(maxGap, 'longest pause of the viewer stream (ms)').toBeLessThan(2_000);
    expect(frame).toBeGreaterThan(30);

    await server.close();
    server = undefined;
    await viewer.ended;
    const last = viewer.frames.at(-1)!;
    expect('trailer' in last && last.trailer).toMatch(/grpc-status: ?0/);
    console.info(
      `fuzz: ${h1.length} HTTP/1.1 + ${h2Cases.length} HTTP/2 requests (${sessions} h2 sessions) in ${Math.round(fuzzMs)} ms; ` +
        `statuses ${JSON.stringify(Object.fromEntries(statuses))}; viewer: ${data.length} messages, ` +
        `longest pause ${Math.round(maxGap)} ms, skipped ${skipped}`,
    );
  }, 60_000);
});
