/** Whitespace as JavaScript's `\s` defines it, so counts agree with `text.split(/\s+/)`. */
function isSpace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code < 0xa0) return false;
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/** Whitespace-separated tokens in `text` (the paper's prompt word count), without allocating them. */
export function countWords(text: string): number {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const space = isSpace(text.charCodeAt(i));
    if (!space && !inWord) words++;
    inWord = !space;
  }
  return words;
}

/**
 * The word count of a prompt when it exceeds `threshold`, else null. A text of n words has at least
 * 2n − 1 characters, so most prompts are rejected on their length alone.
 */
export function wordsAbove(text: string | null, threshold: number): number | null {
  if (text === null || text.length < 2 * threshold + 1) return null;
  const words = countWords(text);
  return words > threshold ? words : null;
}
