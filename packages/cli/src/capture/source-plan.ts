import { normalizeEntityPath } from '@camstream/core';
import { errorMessage } from '@camstream/core/media';
import { CliError } from '../errors.js';
import type { CaptureOptions, CaptureSourceOptions } from './options.js';
import { parsePatternName, type SourceKind, type SourceSpec, sourceEntities } from './sources/source-spec.js';

/** What one source of a capture opens with: the shared options with its own on top, and its pattern's hue. */
export type SourceOptions = CaptureOptions & { readonly hue?: number };

/** One source of a capture, resolved: its entity, a name for messages, and the options it opens with. */
export interface SourcePlan {
  readonly kind: SourceKind;
  /** The source as given, for messages: a camera, a path, `testsrc`, `pattern 640x480@30`. */
  readonly label: string;
  readonly entity: string;
  readonly options: SourceOptions;
}

/** The entity of a single source when `entity` is not given. */
export const DEFAULT_ENTITY = 'video_stream';

// What belongs to the whole capture, not to a source: left out of each source's options.
const CAPTURE_ONLY = ['sources', 'input', 'device', 'entity', 'live', 'stdin'] as const;

/**
 * The sources of a capture (decision 0019): `options.sources`, each on the shared options with its own on
 * top, or the single source of the older form (`input`, `device` or the test pattern) with `options` as they
 * are. Throws a `usage` CliError for a source that names no or several inputs, two sources on one entity (or
 * one inside another), a second stdin, and options that contradict each other.
 */
export function planSources(options: CaptureOptions): SourcePlan[] {
  const sources = options.sources;
  if (sources === undefined) {
    const kind: SourceKind =
      options.device !== undefined ? 'device' : options.input !== undefined ? 'input' : 'pattern';
    if (options.stamp === true && kind !== 'pattern') {
      throw new CliError(
        'usage',
        `--stamp draws the capture time into the test pattern; a ${kind === 'device' ? 'camera' : 'file'} has its own picture (drop --stamp)`,
      );
    }
    return [
      {
        kind,
        label: options.device ?? options.input ?? 'testsrc',
        entity: options.entity ?? DEFAULT_ENTITY,
        options,
      },
    ];
  }
  if (options.input !== undefined || options.device !== undefined) {
    throw new CliError(
      'usage',
      'sources lists every source; give input and device there, not beside it (or drop sources)',
    );
  }
  if (sources.length === 0) throw new CliError('usage', 'sources is empty; give at least one source');
  const shared = withoutKeys(options, CAPTURE_ONLY);
  const specs: SourceSpec[] = [];
  const plans = sources.map((source, i): Omit<SourcePlan, 'entity'> => {
    const { kind, name, label } = sourceKind(source, i);
    if (source.entity !== undefined) checkEntity(source.entity, `sources[${i}].entity`);
    specs.push({ kind, name, ...(source.entity !== undefined && { entity: source.entity }), options: {} });
    return { kind, label, options: sourceOptions(shared, source, options) };
  });
  if (sources.filter((s) => s.input === '-').length > 1) {
    throw new CliError('usage', 'two sources read stdin (input -); one at most can');
  }
  if (options.live === true && !sources.some((s) => s.input === '-')) {
    throw new CliError(
      'usage',
      '--live applies to --input - (a camera piped in on stdin); cameras (--device) and the paced pattern drop frames already, files never do',
    );
  }
  if (sources.length > 1 && options.entity !== undefined && sources.every((s) => s.entity !== undefined)) {
    throw new CliError(
      'usage',
      `--entity ${options.entity} would be unused: every source names its own entity; drop --entity or one source's =ENTITY`,
    );
  }
  if (options.stamp === true && !plans.some((plan) => plan.kind === 'pattern')) {
    throw new CliError(
      'usage',
      '--stamp would be unused: it draws the capture time into test patterns, and no source is one (add --pattern or drop --stamp)',
    );
  }
  if (options.entity !== undefined) checkEntity(options.entity, '--entity');
  const entities = sourceEntities(specs, options.entity ?? DEFAULT_ENTITY);
  return plans.map((plan, i) => ({ ...plan, entity: entities[i]! }));
}

/** Which of `device`, `input` and `pattern` a source is, and its name. */
function sourceKind(
  source: CaptureSourceOptions,
  i: number,
): { kind: SourceKind; name: string; label: string } {
  const given = (['device', 'input', 'pattern'] as const).filter((k) => source[k] !== undefined);
  if (given.length !== 1) {
    throw new CliError(
      'usage',
      `sources[${i}] ${given.length === 0 ? 'names no source' : `names ${given.join(' and ')}`}; give exactly one of device, input and pattern`,
    );
  }
  const kind = given[0]!;
  if (source.hue !== undefined && kind !== 'pattern') {
    throw new CliError('usage', `sources[${i}]: hue applies to a test pattern, not to a ${kind}`);
  }
  if (source.hue !== undefined && !Number.isFinite(source.hue)) {
    throw new CliError('usage', `sources[${i}]: hue must be a number of degrees, got ${source.hue}`);
  }
  if (source.stamp !== undefined && typeof source.stamp !== 'boolean') {
    throw new CliError('usage', `sources[${i}]: stamp must be true or false, got ${String(source.stamp)}`);
  }
  if (source.stamp === true && kind !== 'pattern') {
    throw new CliError('usage', `sources[${i}]: stamp applies to a test pattern, not to a ${kind}`);
  }
  if (kind !== 'pattern') return { kind, name: source[kind]!, label: source[kind]! };
  const pattern = source.pattern!;
  if (pattern === true) return { kind, name: 'testsrc', label: 'testsrc' };
  if (source.width !== undefined || source.height !== undefined || source.fpsNum !== undefined) {
    throw new CliError(
      'usage',
      `pattern ${pattern} gives its own size and rate; drop the source's size and fps (or use pattern: true)`,
    );
  }
  parsePatternName(pattern);
  return { kind, name: pattern, label: `pattern ${pattern}` };
}

/** A source's options: the shared ones, its own on top (its `crf` replaces a shared `bitrate`, and back). */
function sourceOptions(
  shared: CaptureOptions,
  source: CaptureSourceOptions,
  all: CaptureOptions,
): SourceOptions {
  const own = withoutKeys(source, ['device', 'input', 'pattern', 'entity'] as const);
  let base: CaptureOptions = shared;
  if (own.crf !== undefined) base = withoutKeys(base, ['bitrate'] as const);
  if (own.bitrate !== undefined) base = withoutKeys(base, ['crf'] as const);
  if (own.width !== undefined || own.height !== undefined || typeof source.pattern === 'string') {
    base = withoutKeys(base, ['width', 'height'] as const);
  }
  if (own.fpsNum !== undefined || typeof source.pattern === 'string') {
    base = withoutKeys(base, ['fpsNum', 'fpsDen'] as const);
  }
  const pattern = typeof source.pattern === 'string' ? parsePatternName(source.pattern) : undefined;
  return {
    ...base,
    ...own,
    ...(pattern !== undefined && {
      width: pattern.size.width,
      height: pattern.size.height,
      fpsNum: pattern.fps.num,
      fpsDen: pattern.fps.den,
    }),
    ...(source.device !== undefined && { device: source.device }),
    ...(source.input !== undefined && { input: source.input }),
    ...(source.input === '-' && all.stdin !== undefined && { stdin: all.stdin }),
    ...(source.input === '-' && all.live === true && { live: true }),
  };
}

function checkEntity(entity: string, what: string): void {
  try {
    normalizeEntityPath(entity);
  } catch (error) {
    throw new CliError('usage', `${what} ${JSON.stringify(entity)}: ${errorMessage(error)}`, {
      cause: error,
    });
  }
}

function withoutKeys<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Omit<T, K> {
  const out = { ...value };
  for (const key of keys) delete out[key];
  return out;
}
