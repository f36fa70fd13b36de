import type { WebErrorCode } from '../../errors.js';
import type { EncoderSettings } from '../session-encoder.js';

/** Main thread → WebCodecs worker. */
export type ToWebCodecsWorker =
  | { readonly type: 'open'; readonly settings: EncoderSettings }
  /** `frame` is transferred; the worker re-times it to `timestampUs` and closes it. */
  | { readonly type: 'frame'; readonly frame: VideoFrame; readonly timestampUs: number }
  | { readonly type: 'close' };

/** WebCodecs worker → main thread. */
export type FromWebCodecsWorker =
  | { readonly type: 'opened'; readonly codec: string }
  /** `data`'s buffer is transferred. */
  | {
      readonly type: 'sample';
      readonly data: Uint8Array;
      readonly pts: bigint;
      readonly isKeyframe: boolean;
      readonly codecString: string;
      readonly index: number;
    }
  | { readonly type: 'error'; readonly code: WebErrorCode; readonly message: string }
  | { readonly type: 'closed' };
