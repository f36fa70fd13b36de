/**
 * `word` as it can be pasted into a shell command line: as it is when no shell would split or expand it,
 * double-quoted otherwise (a camera name with spaces).
 */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `"${word.replace(/(["\\$`])/g, '\\$1')}"`;
}
