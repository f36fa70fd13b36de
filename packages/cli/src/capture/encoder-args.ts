import { CliError } from '../errors.js';

/**
 * Splits `--encoder-args` into ffmpeg arguments as a POSIX shell would split a plain word list: on blanks,
 * with single quotes, double quotes and backslashes grouping (`-vf "scale=1280:720"`). Nothing is expanded.
 */
export function parseEncoderArgs(text: string): string[] {
  const args: string[] = [];
  let current = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else current += c;
    } else if (c === '\\' && i + 1 < text.length && (quote === undefined || /["\\$`]/.test(text[i + 1] as string))) {
      current += text[++i];
      inWord = true;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else current += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) args.push(current);
      current = '';
      inWord = false;
    } else {
      current += c;
      inWord = true;
    }
  }
  if (quote !== undefined)
    throw new CliError('usage', `--encoder-args ${JSON.stringify(text)}: a ${quote} quote is not closed`);
  if (inWord) args.push(current);
  if (args.length === 0) throw new CliError('usage', '--encoder-args is empty; give ffmpeg arguments such as "-rc vbr"');
  return args;
}
