import type { MessagePort, Worker } from 'node:worker_threads';
import { EncoderError } from '../errors.js';
import { SIGNAL_POSTED } from '../ffmpeg/devices.js';
import type { InputMessage } from '../ffmpeg/frame-device.js';
import { FrameFeed } from './frame-feed.js';
import type { LiveSession } from './live-session.js';
import type { LiveWorkerEvents, LiveWorkerLink } from './live-worker-encoder.js';

/** Frames posted to the worker and not yet read: one being encoded, one ready so the worker never waits. */
export const WORKER_DEPTH = 2;

/**
 * The Node side of a live encoder: a worker thread started with its `workerData`, fed frame by frame through a
 * `MessagePort` (the worker takes them with `receiveMessageOnPort`, woken by `Atomics.notify` on `signal`).
 */
export class NodeWorkerLink implements LiveWorkerLink {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly signal: Int32Array;
  private readonly transferFrames: boolean;
  private readonly feed: FrameFeed;

  /** `transferFrames`: move a frame's buffer to the worker when it may be taken whole, instead of copying it. */
  constructor(
    session: LiveSession,
    worker: Worker,
    port: MessagePort,
    signal: SharedArrayBuffer,
    transferFrames: boolean,
  ) {
    this.worker = worker;
    this.port = port;
    this.signal = new Int32Array(signal);
    this.transferFrames = transferFrames;
    // End markers take no room: the worker holds at most WORKER_DEPTH frames.
    this.feed = new FrameFeed(session, {
      fitsFrame: () => session.posted - session.framesConsumed < WORKER_DEPTH,
      fitsEnd: () => true,
      write: (message) => this.post(message),
    });
  }

  connect(events: LiveWorkerEvents): void {
    this.worker.on('message', events.message);
    this.worker.on('error', (error) =>
      events.crash(
        new EncoderError('worker-crashed', `the live encoder's worker failed: ${error.message}`, {
          cause: error,
        }),
      ),
    );
    // Also after a normal end (the session has ended by then, and ignores it).
    this.worker.on('exit', (code) =>
      events.crash(
        new EncoderError(
          'worker-crashed',
          `the live encoder's worker exited (code ${code}) in the middle of the stream`,
          { exitCode: code },
        ),
      ),
    );
  }

  pump(): void {
    this.feed.pump();
  }

  release(): void {
    this.port.close();
    void this.worker.terminate();
  }

  private post(message: InputMessage): void {
    if ('frame' in message) {
      // The worker gets a buffer of its own holding just this frame (it frees it as soon as ffmpeg has read it):
      // the caller's, moved, when it may be taken; else a copy (structured clone would copy the whole buffer
      // behind a view).
      const data = message.frame;
      const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
      const own =
        this.transferFrames && whole && !(data.buffer instanceof SharedArrayBuffer) ? data : data.slice();
      this.port.postMessage({ frame: own }, [own.buffer as ArrayBuffer]);
    } else this.port.postMessage(message);
    Atomics.add(this.signal, SIGNAL_POSTED, 1);
    Atomics.notify(this.signal, SIGNAL_POSTED);
  }
}
