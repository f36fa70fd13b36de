/**
 * The demuxer worker: reads MP4/MOV/MKV/WebM files with mediabunny for {@link openDemuxed}, one job per file,
 * samples sent as the main thread asks for them. A heartbeat shows the main thread that it is not stuck.
 */
import { parentPort } from 'node:worker_threads';
import { errorMessage } from '@camstream/core/media';
import { CliError } from '../errors.js';
import { openContainerHere } from './container-reader.js';
import { type DemuxReply, type DemuxRequest, HEARTBEAT_MS } from './demuxer.js';
import type { VideoSampleReader } from './video-samples.js';

const port = parentPort as NonNullable<typeof parentPort>;

function reply(message: DemuxReply): void {
  port.postMessage(message);
}

interface Job {
  credit: number;
  closed: boolean;
  wake: (() => void) | undefined;
}

const jobs = new Map<number, Job>();

async function run(id: number, request: Extract<DemuxRequest, { type: 'open' }>): Promise<void> {
  const job: Job = { credit: 0, closed: false, wake: undefined };
  jobs.set(id, job);
  let reader: VideoSampleReader | undefined;
  try {
    reader = await openContainerHere(request.file);
    reply({ type: 'open', id, codec: reader.codec, container: reader.container });
    for await (const sample of reader.samples) {
      while (job.credit === 0 && !job.closed) {
        await new Promise<void>((resolve) => {
          job.wake = resolve;
        });
      }
      if (job.closed) break;
      job.credit--;
      reply({ type: 'sample', id, sample });
    }
    if (!job.closed) reply({ type: 'end', id });
  } catch (error) {
    const message = errorMessage(error);
    reply({ type: 'error', id, code: error instanceof CliError ? error.code : 'input', message });
  } finally {
    reader?.close();
    jobs.delete(id);
  }
}

port.on('message', (request: DemuxRequest) => {
  if (request.type === 'open') {
    void run(request.id, request);
    return;
  }
  const job = jobs.get(request.id);
  if (job === undefined) return;
  if (request.type === 'pull') job.credit += request.count;
  else job.closed = true;
  job.wake?.();
});

setInterval(() => reply({ type: 'alive' }), HEARTBEAT_MS);
reply({ type: 'alive' });
