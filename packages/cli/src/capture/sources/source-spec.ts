import type { PixelFormat } from '@camstream/core/media';
import { X264_PRESETS, X264_TUNES, type X264Preset, type X264Tune } from '@camstream/core/media';
import { CliError } from '../../errors.js';
import { type EncoderChoice, parseEncoderChoice } from '../encoder-choice.js';
import {
  type FrameRate,
  type FrameSize,
  parseBitrate,
  parseCrf,
  parseDuration,
  parseFrameRate,
  parsePixelFormat,
  parsePositiveInt,
  parseSize,
} from '../flags.js';

/** The flag a source came from. */
export type SourceKind = 'device' | 'input' | 'pattern';

/** What a source's `,KEY=VALUE` options may override of the shared flags (decision 0019). */
export interface SourceOverrides {
  readonly size?: FrameSize;
  readonly fps?: FrameRate;
  readonly pixFmt?: PixelFormat;
  readonly frames?: number;
  readonly duration?: number;
  readonly preset?: X264Preset;
  readonly tune?: X264Tune;
  readonly crf?: number;
  readonly bitrate?: number;
  readonly gop?: number;
  readonly encoder?: EncoderChoice;
  /** `--pattern` only: turn the pattern's colours by this many degrees of hue, to tell patterns apart. */
  readonly hue?: number;
  /** `--pattern` only (`,stamp`, no value): draw each frame's capture time into it as a barcode band. */
  readonly stamp?: true;
}

/** One `--device`, `--input` or `--pattern` value, read by {@link parseSourceSpec}. */
export interface SourceSpec {
  readonly kind: SourceKind;
  /** The camera, the file (`-`: stdin), or the pattern's `WxH@FPS`. */
  readonly name: string;
  /** The entity path after `=`, when one was given. */
  readonly entity?: string;
  readonly options: SourceOverrides;
}

// An entity in a spec: words of A–Z a–z 0–9 _ - joined by `/` (no spaces, dots or commas), so `=` splits
// unambiguously (decision 0019).
const ENTITY = '[A-Za-z0-9_-]+(?:/[A-Za-z0-9_-]+)*';
// Options that are switches, written without a value (`,stamp`).
const SWITCH_KEYS = ['stamp'] as const;
const OPTION = `(?:[a-z][a-z-]*=[^,]*|${SWITCH_KEYS.join('|')})`;
/** The tail of a spec from an `=`: `=ENTITY` or a bare `=`, then `,KEY=VALUE`s. */
const ENTITY_TAIL = new RegExp(`^=(${ENTITY})?((?:,${OPTION})*)$`);
const OPTIONS_ONLY = new RegExp(`^(.+?)((?:,${OPTION})+)$`);

const usage = (flag: string, text: string, why: string): CliError =>
  new CliError('usage', `--${flag} ${JSON.stringify(text)}: ${why}`);

/**
 * Reads a source flag's value, `NAME[=ENTITY][,KEY=VALUE…]` (decision 0019). `video=USB Camera` is a name (a
 * space is no entity), `video=Cam=cameras/front` the name `video=Cam` on `cameras/front`, `a=b=` the name
 * `a=b` with no entity. Throws a `usage` CliError for an unknown or bad option.
 */
export function parseSourceSpec(kind: SourceKind, text: string): SourceSpec {
  let name = text;
  let entity: string | undefined;
  let optionText = '';
  const split = lastEntitySplit(kind, text);
  if (split !== undefined) {
    ({ name, entity, optionText } = split);
  } else {
    const options = OPTIONS_ONLY.exec(text);
    // A comma in a file or camera name is kept unless what follows reads as options.
    if (
      options !== null &&
      options[2]!
        .split(',')
        .slice(1)
        .every((o) => isOptionKey(o.split('=')[0]!))
    ) {
      name = options[1]!;
      optionText = options[2]!;
    }
  }
  if (name === '') throw usage(kind, text, 'the source name is empty');
  if (kind === 'pattern') parsePatternName(name, text);
  const options = parseOptions(kind, text, optionText);
  return { kind, name, ...(entity !== undefined && { entity }), options };
}

/** The rightmost `=` that starts `ENTITY` (or is bare) with only options after it. */
function lastEntitySplit(
  kind: SourceKind,
  text: string,
): { name: string; entity?: string; optionText: string } | undefined {
  for (let at = text.lastIndexOf('='); at >= 0; at = at === 0 ? -1 : text.lastIndexOf('=', at - 1)) {
    const before = text.slice(0, at);
    // The `=` of an option (`…,size=640x480`; unknown keys too, so they are reported), or DirectShow's
    // `video=`/`audio=`: part of the name.
    if (/,[a-z][a-z-]*$/.test(before)) continue;
    if (kind === 'device' && (before === 'video' || before === 'audio')) continue;
    const match = ENTITY_TAIL.exec(text.slice(at));
    if (match === null) continue;
    const optionText = match[2] ?? '';
    return { name: text.slice(0, at), ...(match[1] !== undefined && { entity: match[1] }), optionText };
  }
  return undefined;
}

const OPTION_KEYS = [
  'size',
  'fps',
  'pix-fmt',
  'frames',
  'duration',
  'preset',
  'tune',
  'crf',
  'bitrate',
  'gop',
  'encoder',
  'hue',
  ...SWITCH_KEYS,
] as const;

function isOptionKey(key: string): boolean {
  return (OPTION_KEYS as readonly string[]).includes(key);
}

function isSwitchKey(key: string): boolean {
  return (SWITCH_KEYS as readonly string[]).includes(key);
}

function parseOptions(kind: SourceKind, text: string, optionText: string): SourceOverrides {
  const out: Record<string, unknown> = {};
  for (const option of optionText.split(',').slice(1)) {
    const eq = option.indexOf('=');
    const key = eq < 0 ? option : option.slice(0, eq);
    const value = eq < 0 ? undefined : option.slice(eq + 1);
    if (!isOptionKey(key))
      throw usage(
        kind,
        text,
        `unknown option ${JSON.stringify(key)}; a source takes ${OPTION_KEYS.join(', ')}`,
      );
    if (key in out) throw usage(kind, text, `option ${key} is given twice`);
    if (key === 'hue' && kind !== 'pattern')
      throw usage(kind, text, 'hue applies to --pattern (it turns the test pattern’s colours)');
    if (key === 'stamp' && kind !== 'pattern')
      throw usage(kind, text, 'stamp applies to --pattern (it draws the capture time into the test pattern)');
    if (isSwitchKey(key)) {
      if (value !== undefined) throw usage(kind, text, `${key} takes no value; write ,${key}`);
      out[key] = true;
      continue;
    }
    if (value === undefined) throw usage(kind, text, `option ${key} needs a value: ,${key}=VALUE`);
    try {
      out[key === 'pix-fmt' ? 'pixFmt' : key] = parseOption(key, value);
    } catch (error) {
      if (error instanceof CliError) throw usage(kind, text, `${key}: ${error.message}`);
      throw error;
    }
  }
  return out as SourceOverrides;
}

function parseOption(key: string, value: string): unknown {
  switch (key) {
    case 'size':
      return parseSize(value);
    case 'fps':
      return parseFrameRate(value);
    case 'pix-fmt':
      return parsePixelFormat(value);
    case 'frames':
      return parsePositiveInt(value, 'frames');
    case 'gop':
      return parsePositiveInt(value, 'gop');
    case 'duration':
      return parseDuration(value);
    case 'crf':
      return parseCrf(value);
    case 'bitrate':
      return parseBitrate(value);
    case 'encoder':
      return parseEncoderChoice(value);
    case 'preset':
      return oneOf(value, X264_PRESETS, 'preset');
    case 'hue':
      return parseHue(value);
    default:
      return oneOf(value, X264_TUNES, 'tune');
  }
}

/** Degrees of hue: a number such as `120` or `-45.5`. */
function parseHue(value: string): number {
  const degrees = Number(value);
  if (!/^-?\d+(\.\d+)?$/.test(value.trim()) || !Number.isFinite(degrees)) {
    throw new CliError('usage', `hue ${JSON.stringify(value)} is not a number of degrees; expected e.g. 120`);
  }
  return degrees;
}

function oneOf<T extends string>(value: string, choices: readonly T[], what: string): T {
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new CliError('usage', `${what} ${JSON.stringify(value)} is not one of ${choices.join(', ')}`);
}

/** A pattern source's `WxH@FPS` (`640x480@30`, `1280x720@29.97`, `1920x1080@30000/1001`). */
export function parsePatternName(name: string, text = name): { size: FrameSize; fps: FrameRate } {
  const at = name.indexOf('@');
  if (at < 0) throw usage('pattern', text, 'expected WIDTHxHEIGHT@FPS, e.g. 640x480@30');
  try {
    return { size: parseSize(name.slice(0, at)), fps: parseFrameRate(name.slice(at + 1)) };
  } catch (error) {
    if (error instanceof CliError) throw usage('pattern', text, error.message);
    throw error;
  }
}

/**
 * The entity path of each source (decision 0019): one source without `=ENTITY` gets `defaultEntity`; with
 * several, each without one gets `defaultEntity/N` (its position). Two sources on one path, or one path the
 * parent of another's, are a `usage` error naming both.
 */
export function sourceEntities(specs: readonly SourceSpec[], defaultEntity: string): string[] {
  const entities = specs.map(
    (spec, i) => spec.entity ?? (specs.length === 1 ? defaultEntity : `${defaultEntity}/${i}`),
  );
  const normal = entities.map((e) => `/${e.replace(/^\/+|\/+$/g, '')}`);
  for (let i = 0; i < normal.length; i++) {
    for (let j = i + 1; j < normal.length; j++) {
      const [a, b] = [normal[i]!, normal[j]!];
      const clash =
        a === b
          ? 'the same entity'
          : b.startsWith(`${a}/`) || a.startsWith(`${b}/`)
            ? 'nested entities'
            : undefined;
      if (clash !== undefined) {
        throw new CliError(
          'usage',
          `--${specs[i]!.kind} ${specs[i]!.name} and --${specs[j]!.kind} ${specs[j]!.name} are on ${clash} (${a}, ${b}); give each its own with =ENTITY`,
        );
      }
    }
  }
  return entities;
}
