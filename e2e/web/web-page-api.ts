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
  timeRange(timeline: string): { min: number; max: number } | null;
}
