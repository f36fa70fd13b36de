import type {
  ActiveEncoder,
  ActiveSource,
  CaptureStats,
  EncoderChoice,
  SessionState,
  SourceRequest,
} from '@camstream/web';

/** What the test page shows of its session. */
export interface SessionSnapshot {
  readonly state: SessionState | null;
  readonly source: ActiveSource | null;
  readonly encoder: ActiveEncoder | null;
  readonly recordingId: string | null;
  readonly stats: CaptureStats | null;
  /** RRD bytes the session handed its sinks, summed over recordings. */
  readonly bytesLogged: number;
}

/** One camera of the page's shared recording. */
export interface CameraSnapshot {
  readonly state: SessionState | null;
  readonly source: ActiveSource | null;
  readonly encoder: ActiveEncoder | null;
  readonly recordingId: string | null;
  readonly stats: CaptureStats | null;
  /** The camera's `recording` and `error` events (and `stats` of a pattern camera). */
  readonly events: { type: string; detail: unknown }[];
}

/** The API e2e/web/page/main.ts puts on `window.webTest`. */
export interface WebTestApi {
  startViewer(): Promise<void>;
  create(options: {
    source: SourceRequest;
    encoder: EncoderChoice;
    injectWasm: boolean;
    /** Where the page finds `@ffmpeg/core` (needed with `injectWasm`). */
    ffmpeg?: { coreURL: string; wasmURL: string };
    fallbackToTestPattern?: boolean;
    /** Also publish every recording to this camstream server WebSocket (`ws://…/publish`). */
    publishUrl?: string;
  }): Promise<void>;
  start(): Promise<void>;
  /** `start()`, returning what it rejected with (`null` when it started). */
  startError(): Promise<{ name: string; code: string | null; message: string } | null>;
  stop(): Promise<void>;
  switchEncoder(kind: EncoderChoice): Promise<void>;
  switchSource(source: SourceRequest): Promise<void>;
  dispose(): Promise<void>;
  snapshot(): SessionSnapshot;
  events(): { type: string; detail: unknown }[];
  clearEvents(): void;
  activeRecording(): string | null;
  /** Opens a `SharedRecording` into the viewer (and a byte-counting sink); returns its id. */
  openShared(): Promise<string>;
  /**
   * Adds a camera to the shared recording: a canvas of one colour (`rgb`), repainted at 30 fps, read through
   * its `captureStream()` track on `entityPath`.
   */
  addCanvasCamera(options: {
    entityPath: string;
    rgb: [number, number, number];
    encoder: EncoderChoice;
    width: number;
    height: number;
    /**
     * Read the canvas through `captureStream(0)` and `requestFrame()` after each paint (a track that takes a
     * frame when told to, whose settings say 0 fps) instead of `captureStream(30)`.
     */
    requestFrames?: boolean;
  }): Promise<void>;
  /**
   * Adds a camera to the shared recording: the moving test pattern (`{ kind: 'test-pattern' }`) at
   * `width`x`height` and 30 fps on `entityPath`. Its `stats` events (every 2 s, one window each) join its
   * `recording` and `error` events in {@link CameraSnapshot.events}.
   */
  addPatternCamera(options: {
    entityPath: string;
    encoder: EncoderChoice;
    width: number;
    height: number;
  }): Promise<void>;
  /** Stops repainting a canvas camera for `ms`: its track delivers no frame meanwhile (a stalled camera). */
  stallCamera(entityPath: string, ms: number): void;
  /** Disposes the camera's session and stops its canvas. */
  removeCamera(entityPath: string): Promise<void>;
  switchCameraEncoder(entityPath: string, kind: EncoderChoice): Promise<void>;
  camera(entityPath: string): CameraSnapshot;
  closeShared(): Promise<void>;
  timeRange(timeline: string): { min: number; max: number } | null;
}
