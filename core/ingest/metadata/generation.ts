import { parseA1111Parameters } from './a1111.parser';
import { parseComfyUiPrompt, parseComfyUiWorkflow } from './comfyui.parser';
import { LoraReferenceSet } from './lora-refs';
import type { GenerationParameters, MetadataProblem } from './metadata.types';
import { emptyGeneration } from './metadata.types';

/** Where A1111-style text may sit, best first: the PNG chunk, then the EXIF and JPEG comment fields. */
const A1111_FIELDS = ['parameters', 'UserComment', 'Comment', 'XPComment', 'ImageDescription'];
/** ComfyUI's WebP and JPEG savers put the graphs into EXIF strings with a `prompt:`/`workflow:` prefix. */
const EXIF_GRAPH_FIELDS = ['Model', 'Make', 'ImageDescription', 'UserComment'];

function looksLikeA1111(text: string): boolean {
  return /(^|\n)Negative prompt:/.test(text) || /(^|\n)Steps: \d/.test(text);
}

function graphText(texts: Readonly<Record<string, string>>, name: 'prompt' | 'workflow'): string | undefined {
  if (texts[name] !== undefined) return texts[name];
  for (const field of EXIF_GRAPH_FIELDS) {
    const value = texts[field];
    if (value?.startsWith(`${name}:`)) return value.slice(name.length + 1);
  }
  return undefined;
}

/** Fills what `primary` lacks from `secondary`; LoRA references are merged by name. */
function merge(primary: GenerationParameters, secondary: GenerationParameters): GenerationParameters {
  const loras = new LoraReferenceSet();
  loras.addAll(primary.loras);
  loras.addAll(secondary.loras);
  const filled = { ...primary } as Record<string, unknown>;
  for (const [key, value] of Object.entries(secondary)) {
    if (filled[key] === null) filled[key] = value;
  }
  return {
    ...(filled as unknown as GenerationParameters),
    loras: loras.toArray(),
    extra: { ...secondary.extra, ...primary.extra },
  };
}

/**
 * Turns a container's text entries into generation settings. A1111 text wins where both exist
 * (savers that write both put hashes only into the A1111 text); ComfyUI's API graph is preferred
 * over its UI workflow, which is read only when the graph is missing or broken.
 */
export function interpretTexts(texts: Readonly<Record<string, string>>): {
  generation: GenerationParameters;
  problems: MetadataProblem[];
} {
  const problems: MetadataProblem[] = [];
  const found: GenerationParameters[] = [];

  const a1111Field = A1111_FIELDS.find((field) => {
    const value = texts[field];
    return value !== undefined && (field === 'parameters' || looksLikeA1111(value));
  });
  if (a1111Field !== undefined) {
    const parsed = parseA1111Parameters(texts[a1111Field]!);
    problems.push(...parsed.problems);
    found.push(parsed.generation);
  }

  const prompt = graphText(texts, 'prompt');
  const workflow = graphText(texts, 'workflow');
  let graphRead = false;
  if (prompt !== undefined && prompt.trimStart().startsWith('{')) {
    const parsed = parseComfyUiPrompt(prompt);
    problems.push(...parsed.problems);
    graphRead = parsed.problems.length === 0;
    if (graphRead) found.push(parsed.generation);
  } else if (prompt !== undefined && prompt.trim() !== '' && a1111Field === undefined) {
    // Some savers store the bare prompt under this keyword.
    found.push({ ...emptyGeneration(), prompt: prompt.trim() });
  }
  if (!graphRead && workflow !== undefined) {
    const parsed = parseComfyUiWorkflow(workflow);
    problems.push(...parsed.problems);
    if (parsed.problems.length === 0) found.push(parsed.generation);
  }

  const [first = emptyGeneration(), ...rest] = found;
  return { generation: rest.reduce(merge, first), problems };
}
