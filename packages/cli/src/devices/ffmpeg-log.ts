/**
 * The lines of ffmpeg's log text without the `[name @ 0x…] ` context prefix `av_log` puts before each line
 * (Windows builds print the address without `0x`). What follows the prefix keeps its own leading spaces:
 * DirectShow's listing indents with them.
 */
export function logLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/^\[[^\]]* @ (?:0x)?[0-9a-fA-F]+\] /, ''))
    .filter((line) => line.trim().length > 0);
}
