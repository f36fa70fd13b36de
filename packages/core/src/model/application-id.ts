// Rerun viewers from 0.36 on (which still read 0.33 recordings) keep an application id only when it is
// non-empty, at most 180 bytes and made of ASCII letters, digits, `_`, `-`, space, `[`, `]` and `:`. They
// refuse an empty id and rename any other (dots become `-`, a hash is appended), so the recording would show
// up under a name the user never chose. The rule, at Rerun's tag 0.36.2:
// crates/store/re_log_types/src/app_id.rs (`ApplicationId::try_new`, which also refuses dots) and
// crates/store/re_log_types/src/entry_name.rs (`MAX_ENTRY_NAME_BYTES`, `EntryName::is_valid_char`).

/** Longest application id newer Rerun viewers keep as it is, in UTF-8 bytes. */
export const MAX_APPLICATION_ID_BYTES = 180;

/** The characters an application id may contain, as a sentence for error messages. */
export const APPLICATION_ID_CHARACTERS = 'ASCII letters, digits, "_", "-", space, "[", "]" and ":" (no dots)';

const ALLOWED = /^[A-Za-z0-9_\- [\]:]$/u;

/**
 * Why `id` is not an application id that newer Rerun viewers keep as it is, or `undefined` when it is one: a
 * clause that quotes the id (shortened when long) and names the rule and the first offending character, e.g.
 * `"camstream.capture" contains "." (U+002E); allowed are ASCII letters, …`. Callers put the option's name
 * in front of it.
 */
export function applicationIdProblem(id: string): string | undefined {
  if (id.length === 0) return '"" is empty';
  for (const character of id) {
    if (!ALLOWED.test(character)) {
      return `${quoted(id)} contains ${describeCharacter(character)}; allowed are ${APPLICATION_ID_CHARACTERS}`;
    }
  }
  // Every allowed character is one byte, so this is the UTF-8 length.
  if (id.length > MAX_APPLICATION_ID_BYTES) {
    return `${quoted(id)} is ${id.length} bytes long; at most ${MAX_APPLICATION_ID_BYTES} bytes are allowed`;
  }
  return undefined;
}

const SHOWN_LENGTH = 40;

function quoted(id: string): string {
  const characters = [...id];
  return JSON.stringify(
    characters.length > SHOWN_LENGTH ? `${characters.slice(0, SHOWN_LENGTH - 1).join('')}…` : id,
  );
}

function describeCharacter(character: string): string {
  const codePoint = (character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
  // Control and invisible characters are shown by code point only.
  const printable = /^[\p{L}\p{N}\p{P}\p{S}]$/u.test(character);
  return printable ? `"${character}" (U+${codePoint})` : `U+${codePoint}`;
}
