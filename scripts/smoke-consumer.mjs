// Consumer smoke test: packs the published packages, installs the tarballs into a fresh project outside the
// workspace (npm, as a user would), type-checks an import of every entry point and runs it on the built code.
//
//   node scripts/smoke-consumer.mjs                  packs the workspace's packages (pnpm pack) first
//   node scripts/smoke-consumer.mjs --tarballs DIR   installs the tarballs already in DIR, one per package
//                                                    (the release dry run, e2e/release/, packs them itself)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const packages = ['core', 'web', 'server', 'encoder-wasm', 'encoder-ffmpeg', 'cli'];
const tarballsFlag = process.argv.indexOf('--tarballs');
const givenTarballs = tarballsFlag === -1 ? undefined : process.argv[tarballsFlag + 1];
if (tarballsFlag !== -1 && givenTarballs === undefined)
  throw new Error('smoke: --tarballs needs a directory');
const work = mkdtempSync(join(tmpdir(), 'camstream-smoke-'));
const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

/** The one tarball of `@camstream/<name>` in `dir`: a missing one would make npm fetch the package from the registry. */
function tarballOf(dir, name) {
  const found = readdirSync(dir).filter((f) => new RegExp(`^camstream-${name}-\\d[^/]*\\.tgz$`).test(f));
  if (found.length !== 1)
    throw new Error(`smoke: expected one tarball of @camstream/${name} in ${dir}, found ${found.length}`);
  return join(dir, found[0]);
}

try {
  const tarballDir = givenTarballs === undefined ? work : resolve(givenTarballs);
  if (givenTarballs === undefined) {
    // One pnpm run for all packages: each pnpm start costs seconds.
    const filters = packages.flatMap((name) => ['--filter', `./packages/${name}`]);
    run('pnpm', ['-r', ...filters, 'pack', '--pack-destination', work], root);
  }
  const tarballs = packages.map((name) => tarballOf(tarballDir, name));
  const app = join(work, 'app');
  run('mkdir', ['-p', app], work);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'smoke', private: true, type: 'module' }));
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], app);

  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        lib: ['ES2023', 'DOM'],
        types: [],
        strict: true,
        noEmit: true,
        skipLibCheck: false,
      },
      include: ['consumer.ts', 'browser-consumer.ts'],
    }),
  );
  const consumer = `
import { CamstreamError, decodeRrd, MemorySink, RecordingStream, Scalars, seconds, VideoCodec, VideoStream } from '@camstream/core';
import { CamstreamError as MediaCamstreamError, frameByteLength } from '@camstream/core/media';
import { FileSink } from '@camstream/core/node';
import { decodeChunk, streamHeader } from '@camstream/core/wire';
import { FfmpegEncoder } from '@camstream/encoder-ffmpeg';
import { startServer } from '@camstream/server';

// The media entry (decision 0013) shares its classes with the root entry.
if (MediaCamstreamError !== CamstreamError || frameByteLength('I420', 4, 4) !== 24)
  throw new Error('smoke: @camstream/core/media does not match @camstream/core');

const memory = new MemorySink();
const rec = new RecordingStream({ applicationId: 'smoke', sinks: [memory] });
rec.log('video_stream', new VideoStream({ codec: VideoCodec.H264 }), { static: true });
rec.setTime('time', { duration: seconds(1) });
rec.log('stats/value', new Scalars([1, 2, 3]));
await rec.close();
const { messages, errors } = decodeRrd(memory.bytes());
const sink: FileSink | undefined = undefined;
void sink;
if (errors.length > 0 || messages.length !== 3) throw new Error('smoke: unexpected decode result');
console.log('smoke: ' + messages.map((m) => m.kind).join(', '));
// The wire entry (decision 0016) reads the same bytes: the stream header and a chunk's Arrow IPC payload.
const header = streamHeader();
const chunk = messages.find((m) => m.kind === 'arrow_msg');
if (!header.every((byte, i) => memory.bytes()[i] === byte) || chunk?.kind !== 'arrow_msg' || decodeChunk(chunk.proto.payload).entityPath !== chunk.chunk.entityPath)
  throw new Error('smoke: @camstream/core/wire does not read what @camstream/core wrote');
const server = await startServer({ port: 0 });
const page = await fetch(server.url);
if (!page.ok || !(await page.text()).includes('proxy')) throw new Error('smoke: the hosted viewer page did not load');
// The page imports the viewer from the installed @rerun-io/web-viewer: it must resolve from built code.
const viewerJs = await fetch(new URL('/viewer/index.js', server.url));
if (!viewerJs.ok) throw new Error('smoke: the hosted page cannot load the viewer (' + viewerJs.status + ')');
await server.close();
console.log('smoke: server served its viewer page at ' + server.url);
// The native encoder drives the system's ffmpeg: three frames in, three samples out, the first an IDR.
const ffmpegEncoder = await FfmpegEncoder.open({ width: 64, height: 48, fpsNum: 30, whenFull: 'wait' });
const encoded = (async () => { const out = []; for await (const s of ffmpegEncoder.samples()) out.push(s); return out; })();
for (let i = 0; i < 3; i++)
  await ffmpegEncoder.encode({ format: 'I420', width: 64, height: 48, data: new Uint8Array(frameByteLength('I420', 64, 48)).fill(i * 40), pts: BigInt(i), index: i });
await ffmpegEncoder.close();
const ffmpegSamples = await encoded;
if (ffmpegSamples.length !== 3 || !ffmpegSamples[0]?.isKeyframe) throw new Error('smoke: FfmpegEncoder did not make 3 samples');
console.log('smoke: FfmpegEncoder encoded 3 frames through the system ffmpeg');
`;
  writeFileSync(join(app, 'consumer.ts'), consumer);
  // Browser-only package: type-checked against the DOM lib (it needs WebCodecs to run).
  writeFileSync(
    join(app, 'browser-consumer.ts'),
    `import { RecordingStream } from '@camstream/core';
import { CanvasTestPattern, type RrdChannel, viewerSink, WebCodecsH264Encoder, webCodecsSupport } from '@camstream/web';
import type { BrowserLiveEncoder } from '@camstream/encoder-wasm/browser';
export type WasmEncoder = BrowserLiveEncoder;
export async function start(channel: RrdChannel): Promise<void> {
  if (!webCodecsSupport().available) return;
  const rec = new RecordingStream({ applicationId: 'smoke', sinks: [viewerSink(channel)] });
  const encoder = await WebCodecsH264Encoder.create({ width: 320, height: 240, framerate: 30 });
  const pattern = new CanvasTestPattern({ width: 320, height: 240 });
  void pattern;
  await encoder.close();
  await rec.close();
}
`,
  );
  run('node', [join(root, 'node_modules/typescript/bin/tsc'), '-p', app], app);
  // Run the same code on the built package: strip the two type-only bits so Node 20 can execute it.
  writeFileSync(
    join(app, 'consumer.mjs'),
    consumer.replace('const sink: FileSink | undefined = undefined;', 'const sink = FileSink;'),
  );
  process.stdout.write(run('node', ['consumer.mjs'], app));

  // @camstream/web's workers import nothing by bare name (import maps do not reach module workers), so they
  // load from a plain static server as installed.
  const webDist = join(app, 'node_modules/@camstream/web/dist');
  for (const worker of ['webcodecs-worker.js', 'i420-worker.js']) {
    const seen = new Set();
    const visit = (file) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const [, spec] of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)) {
        if (!spec.startsWith('.')) throw new Error(`smoke: @camstream/web/dist/${worker} imports "${spec}"`);
        visit(join(dirname(file), spec));
      }
    };
    visit(join(webDist, worker));
    console.log(`smoke: @camstream/web's ${worker} loads ${seen.size} file(s), no bare imports`);
  }

  // The CLI as a user runs it (npx camstream …): capture the test pattern through ffmpeg.wasm, then inspect.
  const cli = (...args) => run('npx', ['--no-install', 'camstream', ...args], app);
  console.log(`smoke: camstream ${cli('--version').trim()}`);
  cli('capture', '--frames', '30', '--size', '320x240', '--gop', '10', '--save', 'smoke.rrd', '--quiet');
  const report = JSON.parse(cli('inspect', 'smoke.rrd', '--json'));
  const samples = report.videoStreams?.[0]?.samples;
  if (samples !== 30)
    throw new Error(`smoke: camstream inspect saw ${samples} samples in smoke.rrd, expected 30`);
  console.log('smoke: camstream capture → smoke.rrd → inspect: 30 samples');
  console.log(`consumer smoke test passed for ${packages.map((p) => `@camstream/${p}`).join(', ')}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
