/** An error class a target declares as a typed, expected outcome of bad input. */
// biome-ignore lint/suspicious/noExplicitAny: any constructor of an Error subclass
export type ErrorClass = abstract new (...args: any[]) => Error;

/** Thrown by a harness when a parser broke one of its own promises (e.g. split input gave other samples). */
export class InvariantError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvariantError';
  }
}

/** How one input ended. */
export type Outcome =
  | { readonly kind: 'ok' }
  | { readonly kind: 'typed'; readonly code: string }
  | {
      readonly kind: 'untyped';
      readonly description: string;
      readonly signature: string;
      readonly stack: string;
    };

/** Errors the JavaScript engine throws for a bug (a bad index, a bad call, a bad size), never on purpose. */
const ENGINE_ERRORS = new Set([
  'TypeError',
  'RangeError',
  'ReferenceError',
  'SyntaxError',
  'URIError',
  'EvalError',
]);

/** The first stack frame in a file (Node's own `node:` frames skipped: the caller is the culprit), without the column. */
function firstFrame(error: Error): string {
  for (const line of (error.stack ?? '').split('\n')) {
    const m = /\(?((?:file:|\/)[^()]*?):(\d+):\d+\)?\s*$/.exec(line.trim());
    if (line.trimStart().startsWith('at ') && m) return `${m[1]}:${m[2]}`;
  }
  return '?';
}

/** The frame, shortened to the path inside the repository. */
function shortFrame(frame: string): string {
  const i = frame.search(/\/(packages|fuzz|node_modules)\//);
  return i >= 0 ? frame.slice(i + 1) : frame;
}

function oneLine(text: string, max = 200): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function untyped(error: Error, prefix = ''): Outcome {
  const frame = shortFrame(firstFrame(error));
  const message = oneLine(error.message);
  return {
    kind: 'untyped',
    description: `${prefix}${error.name}: ${message} (at ${frame})`,
    // Numbers in messages vary from input to input; the same bug at the same place is one signature.
    signature: `${prefix}${error.name}:${message.replace(/\d+/g, '#').slice(0, 80)}@${frame}`,
    stack: error.stack ?? String(error),
  };
}

/**
 * An engine error (TypeError, RangeError, …) thrown from camstream's own code and wrapped into a typed error
 * on its way out: the user sees one clean line, but it is still a parser bug. Third-party code
 * (mediabunny, apache-arrow, protobuf-es) is judged only by what camstream turns it into.
 */
export function wrappedBug(error: unknown): Error | undefined {
  let e: unknown = error;
  for (let depth = 0; depth < 8 && e instanceof Error; depth++) {
    if (ENGINE_ERRORS.has(e.name) || e instanceof InvariantError) {
      const frame = firstFrame(e);
      if (e instanceof InvariantError || (frame.includes('/packages/') && !frame.includes('/node_modules/')))
        return e;
    }
    e = e.cause;
  }
  return undefined;
}

/**
 * Sorts a thrown value: an instance of one of `typed` with a non-empty string `code` is a typed error (unless it
 * wraps a bug from camstream's own code); anything else (TypeError, RangeError, an Error without a code, a
 * thrown string, a broken invariant) is an untyped failure.
 */
export function classify(error: unknown, typed: readonly ErrorClass[]): Outcome {
  if (error instanceof Error && typed.some((c) => error instanceof c)) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.length > 0) {
      const bug = wrappedBug(error.cause);
      if (bug === undefined) return { kind: 'typed', code };
      return untyped(bug, `wrapped in ${error.name}(${code}): `);
    }
  }
  if (error instanceof Error) return untyped(error);
  const text = oneLine(String(error));
  return {
    kind: 'untyped',
    description: `thrown non-Error: ${text}`,
    signature: `non-error:${text.slice(0, 60)}`,
    stack: text,
  };
}
