/**
 * Characters that change how text around them is ordered or that take no space: bidi embeddings,
 * overrides and isolates, the directional marks, and zero-width spaces. A name or subject holding
 * them can render as something it is not (U+202E turns "gpj.exe" around), so text from outside
 * (forms, admin inputs, GoTo's answers) is cleaned of them before it is stored. Zero-width joiner
 * and non-joiner stay: emoji sequences and several scripts need them, and they cannot reorder text.
 */
const INVISIBLE = /[\u061C\u180E\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/gu;

/** The text without bidi controls and zero-width spaces. */
export function cleanText(text: string): string {
  return text.replace(INVISIBLE, "");
}

/** True when the text holds a character `cleanText` would remove. */
export function hasInvisible(text: string): boolean {
  INVISIBLE.lastIndex = 0;
  const found = INVISIBLE.test(text);
  INVISIBLE.lastIndex = 0;
  return found;
}
