/**
 * JSON.parse that also takes the `NaN`, `Infinity` and `-Infinity` tokens Python's json.dumps
 * writes (ComfyUI graphs carry them in widget values); they become null. Strings are left alone.
 */
export function parseLenientJson(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    const first = error instanceof Error ? error.message : String(error);
    if (!/NaN|Infinity/.test(text)) return { ok: false, reason: first };
    try {
      return { ok: true, value: JSON.parse(replacePythonTokens(text)) as unknown };
    } catch {
      return { ok: false, reason: first };
    }
  }
}

function replacePythonTokens(text: string): string {
  let out = '';
  let inString = false;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      continue;
    }
    for (const token of ['-Infinity', 'Infinity', 'NaN']) {
      if (text.startsWith(token, i)) {
        out += text.slice(from, i) + 'null';
        i += token.length - 1;
        from = i + 1;
        break;
      }
    }
  }
  return out + text.slice(from);
}
