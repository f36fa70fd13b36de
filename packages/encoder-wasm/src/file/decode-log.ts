import type { FileInfo } from './decode-options.js';
import { parseLogLine } from './ffmpeg-log.js';
import type { FrameAssembler } from './frame-assembler.js';

/** Lines of ordinary log kept for error messages, and error lines kept as evidence of damage. */
const TAIL_LINES = 20;
const DAMAGE_LINES = 10;

/**
 * Follows a decode run's log: frame lines and the time base go to the {@link FrameAssembler}; the input's
 * description becomes one {@link FileInfo}, reported before the first frame; error lines are kept as
 * evidence that the input is damaged; everything else feeds a short tail for error messages.
 */
export class DecodeLogReader {
  private readonly assembler: FrameAssembler;
  private readonly onInfo: (info: FileInfo) => void;
  private readonly rawFrames: number | undefined;
  private section: 'none' | 'input' | 'output' = 'none';
  private stream: { codec: string; width: number; height: number; fps: FileInfo['fps'] } | undefined;
  private durationNs: bigint | undefined;
  private infoSent = false;
  private tailLines: string[] = [];
  private readonly damageLines: string[] = [];

  constructor(assembler: FrameAssembler, onInfo: (info: FileInfo) => void, rawFrames: number | undefined) {
    this.assembler = assembler;
    this.onInfo = onInfo;
    this.rawFrames = rawFrames;
  }

  /** The last lines of ordinary log (no per-frame lines). */
  get tail(): readonly string[] {
    return this.tailLines.slice(-TAIL_LINES);
  }

  /** What ffmpeg logged as errors (the first few). */
  get damage(): readonly string[] {
    return this.damageLines;
  }

  /** One line ffmpeg logged. */
  line(raw: string): void {
    const line = parseLogLine(raw);
    switch (line.kind) {
      case 'frame':
        this.sendInfo();
        this.assembler.frameLogged(line.frame);
        return;
      case 'time-base':
        this.assembler.setTimeBase(line.timeBase);
        return;
      case 'input-start':
        this.section = 'input';
        break;
      case 'output-start':
        this.section = 'output';
        break;
      case 'duration':
        if (this.section === 'input') this.durationNs = line.durationNs;
        break;
      case 'video-stream':
        if (this.section === 'input' && this.stream === undefined) this.stream = line;
        break;
      case 'error':
        if (this.damageLines.length < DAMAGE_LINES) this.damageLines.push(line.text);
        break;
      default:
        break;
    }
    // showinfo's side-data lines (per frame) would push everything useful out of the tail.
    if (raw === 'Aborted()' || raw.includes('[Parsed_showinfo_')) return;
    this.tailLines.push(raw);
    if (this.tailLines.length > 2 * TAIL_LINES) this.tailLines = this.tailLines.slice(-TAIL_LINES);
  }

  /** Reports the input's description once (before the first frame, or at the end for an empty stream). */
  sendInfo(): void {
    if (this.infoSent || this.stream === undefined) return;
    this.infoSent = true;
    const { codec, width, height, fps } = this.stream;
    const estimate =
      this.durationNs !== undefined && fps !== undefined
        ? Math.round((Number(this.durationNs) * fps.num) / fps.den / 1e9)
        : undefined;
    this.onInfo({
      codec,
      sourceWidth: width,
      sourceHeight: height,
      fps,
      durationNs: this.durationNs,
      framesEstimate: this.rawFrames ?? estimate,
    });
  }
}
