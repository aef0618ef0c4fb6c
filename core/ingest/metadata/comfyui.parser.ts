import { parseLenientJson } from './lenient-json';
import { LoraReferenceSet } from './lora-refs';
import type { GenerationParameters, MetadataProblem } from './metadata.types';
import { emptyGeneration, problem } from './metadata.types';

/** Links between nodes are followed this deep; real graphs need two or three hops. */
const MAX_DEPTH = 16;
const SAMPLER_TYPES = ['KSampler', 'KSamplerAdvanced', 'SamplerCustom'];
const PASS_THROUGH = /conditioning/i;

type Result = { generation: GenerationParameters; problems: MetadataProblem[] };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numberOf(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function integerOf(value: unknown): number | null {
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : null;
}

function stringOf(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function loraNameOf(value: unknown): string | null {
  const name = stringOf(value);
  return name === null || name === 'None' ? null : name;
}

function byNodeId(a: string, b: string): number {
  const na = Number.parseFloat(a);
  const nb = Number.parseFloat(b);
  return Number.isNaN(na) || Number.isNaN(nb) || na === nb ? a.localeCompare(b) : na - nb;
}

function parseJson(text: string, what: string): { value: unknown } | { problem: MetadataProblem } {
  const parsed = parseLenientJson(text);
  if (!parsed.ok)
    return { problem: problem('invalid_json', `The ComfyUI ${what} is not valid JSON (${parsed.reason}).`) };
  return { value: parsed.value };
}

// ── API graph (`prompt`): {id: {class_type, inputs}}, links are [nodeId, outputSlot] ─────────────────

interface ApiNode {
  readonly classType: string;
  readonly inputs: Record<string, unknown>;
}
type ApiGraph = ReadonlyMap<string, ApiNode>;

function isApiLink(value: unknown): value is [string | number, number] {
  return (
    Array.isArray(value) &&
    value.length === 2 &&
    (typeof value[0] === 'string' || typeof value[0] === 'number') &&
    typeof value[1] === 'number'
  );
}

function apiNodeAt(graph: ApiGraph, link: [string | number, number]): ApiNode | undefined {
  return graph.get(String(link[0]));
}

/** A widget value, or the value of the primitive node it is linked to. */
function apiValue(graph: ApiGraph, value: unknown, keys: readonly string[], depth = 0): unknown {
  if (!isApiLink(value)) return value;
  const node = depth < MAX_DEPTH ? apiNodeAt(graph, value) : undefined;
  if (!node) return undefined;
  for (const key of keys) {
    if (key in node.inputs) return apiValue(graph, node.inputs[key], keys, depth + 1);
  }
  return undefined;
}

const TEXT_KEYS = ['text', 'text_g', 'text_l', 'prompt', 'string', 'value'];

/** The prompt text behind a conditioning link: encoders, primitive strings, and combine/ControlNet nodes between. */
function apiText(graph: ApiGraph, value: unknown, depth: number, seen: Set<string>): string | null {
  if (typeof value === 'string') return value;
  if (!isApiLink(value) || depth > MAX_DEPTH) return null;
  const id = String(value[0]);
  const node = graph.get(id);
  if (!node || seen.has(id)) return null;
  seen.add(id);
  for (const key of TEXT_KEYS) {
    if (key in node.inputs) {
      const text = apiText(graph, node.inputs[key], depth + 1, seen);
      if (text !== null) return text;
    }
  }
  if ('positive' in node.inputs && 'negative' in node.inputs) {
    return apiText(graph, node.inputs[value[1] === 1 ? 'negative' : 'positive'], depth + 1, seen);
  }
  const parts: string[] = [];
  for (const [key, input] of Object.entries(node.inputs)) {
    if (!PASS_THROUGH.test(key)) continue;
    const text = apiText(graph, input, depth + 1, seen);
    if (text !== null && !parts.includes(text)) parts.push(text);
  }
  return parts.length > 0 ? parts.join('\n') : null;
}

function apiLoras(graph: ApiGraph, loras: LoraReferenceSet): void {
  for (const id of [...graph.keys()].sort(byNodeId)) {
    const inputs = graph.get(id)!.inputs;
    const name = loraNameOf(inputs['lora_name']);
    if (name !== null) {
      const weight = numberOf(
        inputs['strength_model'] ?? inputs['lora_model_strength'] ?? inputs['strength'],
      );
      loras.add({ name, weight });
    }
    for (const [key, input] of Object.entries(inputs)) {
      // Stacker nodes: lora_name_1 + lora_wt_1 (Efficiency), lora_1: {on, lora, strength} (rgthree).
      const stacked = /^lora_name_(\d+)$/.exec(key);
      if (stacked) {
        const n = stacked[1]!;
        const stackedName = loraNameOf(input);
        const weight = numberOf(
          inputs[`lora_wt_${n}`] ?? inputs[`model_str_${n}`] ?? inputs[`strength_${n}`],
        );
        if (stackedName !== null) loras.add({ name: stackedName, weight });
      } else if (/^lora_\d+$/.test(key) && isRecord(input) && input['on'] !== false) {
        const powerName = loraNameOf(input['lora']);
        if (powerName !== null) loras.add({ name: powerName, weight: numberOf(input['strength']) });
      }
    }
  }
}

function toApiGraph(value: unknown): ApiGraph | null {
  if (!isRecord(value)) return null;
  const graph = new Map<string, ApiNode>();
  for (const [id, node] of Object.entries(value)) {
    if (isRecord(node) && typeof node['class_type'] === 'string' && isRecord(node['inputs'])) {
      graph.set(id, { classType: node['class_type'], inputs: node['inputs'] });
    }
  }
  return graph.size > 0 ? graph : null;
}

/**
 * Reads ComfyUI's API graph (the `prompt` text chunk): LoRA loaders (LoraLoader, LoraLoaderModelOnly
 * and the common stackers), the checkpoint, the first sampler's settings, and the prompt texts found
 * by following the sampler's positive and negative links.
 */
export function parseComfyUiPrompt(text: string): Result {
  const parsed = parseJson(text, 'prompt');
  if ('problem' in parsed) return { generation: emptyGeneration(), problems: [parsed.problem] };
  const graph = toApiGraph(parsed.value);
  if (graph === null) {
    return {
      generation: emptyGeneration(),
      problems: [problem('invalid_json', 'The ComfyUI prompt is JSON but not a node graph.')],
    };
  }
  const ids = [...graph.keys()].sort(byNodeId);
  const samplerId =
    ids.find((id) => SAMPLER_TYPES.includes(graph.get(id)!.classType)) ??
    ids.find((id) => isApiLink(graph.get(id)!.inputs['positive']));
  const checkpointId = ids.find((id) => typeof graph.get(id)!.inputs['ckpt_name'] === 'string');

  const loras = new LoraReferenceSet();
  apiLoras(graph, loras);
  const generation: GenerationParameters = { ...emptyGeneration(), tool: 'comfyui', loras: loras.toArray() };
  const modelName =
    checkpointId === undefined ? null : stringOf(graph.get(checkpointId)!.inputs['ckpt_name']);
  if (samplerId === undefined) return { generation: { ...generation, modelName }, problems: [] };

  const inputs = graph.get(samplerId)!.inputs;
  const seedKeys = ['seed', 'noise_seed', 'value', 'int'];
  return {
    generation: {
      ...generation,
      modelName,
      prompt: apiText(graph, inputs['positive'], 0, new Set()),
      negativePrompt: apiText(graph, inputs['negative'], 0, new Set()),
      seed: integerOf(apiValue(graph, inputs['seed'] ?? inputs['noise_seed'], seedKeys)),
      steps: integerOf(apiValue(graph, inputs['steps'], ['steps', 'value', 'int'])),
      cfg: numberOf(apiValue(graph, inputs['cfg'], ['cfg', 'value', 'float'])),
      sampler: stringOf(apiValue(graph, inputs['sampler_name'], ['sampler_name', 'value'])),
      scheduler: stringOf(apiValue(graph, inputs['scheduler'], ['scheduler', 'value'])),
    },
    problems: [],
  };
}

// ── UI workflow (`workflow`): nodes with widgets_values, links as a separate table ──────────────────

interface UiNode {
  readonly id: string;
  readonly type: string;
  readonly widgets: readonly unknown[];
  /** Input name → id of the node feeding it and that node's output slot. */
  readonly inputs: ReadonlyMap<string, { from: string; slot: number }>;
}

/** ComfyUI node modes: 2 muted, 4 bypassed — neither ran. */
function isActive(node: Record<string, unknown>): boolean {
  return node['mode'] !== 2 && node['mode'] !== 4;
}

function uiLinkTable(value: unknown): Map<number, { from: string; slot: number }> {
  const table = new Map<number, { from: string; slot: number }>();
  if (!Array.isArray(value)) return table;
  for (const link of value) {
    if (Array.isArray(link) && typeof link[0] === 'number' && typeof link[2] === 'number') {
      table.set(link[0], { from: String(link[1]), slot: link[2] });
    } else if (isRecord(link) && typeof link['id'] === 'number' && typeof link['origin_slot'] === 'number') {
      table.set(link['id'], { from: String(link['origin_id']), slot: link['origin_slot'] });
    }
  }
  return table;
}

function uiNodes(nodes: unknown, links: Map<number, { from: string; slot: number }>): UiNode[] {
  if (!Array.isArray(nodes)) return [];
  const out: UiNode[] = [];
  for (const node of nodes) {
    if (!isRecord(node) || typeof node['type'] !== 'string' || !isActive(node)) continue;
    const inputs = new Map<string, { from: string; slot: number }>();
    if (Array.isArray(node['inputs'])) {
      for (const input of node['inputs']) {
        if (!isRecord(input) || typeof input['name'] !== 'string' || typeof input['link'] !== 'number')
          continue;
        const link = links.get(input['link']);
        if (link) inputs.set(input['name'], link);
      }
    }
    const widgets = Array.isArray(node['widgets_values'])
      ? node['widgets_values']
      : isRecord(node['widgets_values'])
        ? Object.values(node['widgets_values'])
        : [];
    out.push({ id: String(node['id']), type: node['type'], widgets, inputs });
  }
  return out;
}

function uiText(
  nodes: ReadonlyMap<string, UiNode>,
  link: { from: string; slot: number } | undefined,
  depth: number,
  seen: Set<string>,
): string | null {
  if (!link || depth > MAX_DEPTH || seen.has(link.from)) return null;
  const node = nodes.get(link.from);
  if (!node) return null;
  seen.add(link.from);
  const textInput = node.inputs.get('text') ?? node.inputs.get('text_g') ?? node.inputs.get('string');
  if (textInput) return uiText(nodes, textInput, depth + 1, seen);
  if (/^(CLIPTextEncode|Primitive|String|Text)/i.test(node.type)) {
    const text = node.widgets.find((w): w is string => typeof w === 'string');
    if (text !== undefined) return text;
  }
  const positive = node.inputs.get('positive');
  const negative = node.inputs.get('negative');
  if (positive && negative) return uiText(nodes, link.slot === 1 ? negative : positive, depth + 1, seen);
  for (const [name, input] of node.inputs) {
    if (PASS_THROUGH.test(name)) {
      const text = uiText(nodes, input, depth + 1, seen);
      if (text !== null) return text;
    }
  }
  return null;
}

const SEED_CONTROLS = new Set(['fixed', 'increment', 'decrement', 'randomize']);

function uiSamplerSettings(node: UiNode): Partial<GenerationParameters> {
  // Widget order: KSampler [seed, control?, steps, cfg, sampler, scheduler, denoise];
  // KSamplerAdvanced [add_noise, noise_seed, control?, steps, cfg, sampler, scheduler, …].
  let at = node.type === 'KSamplerAdvanced' ? 1 : 0;
  const seed = integerOf(node.widgets[at]);
  at += typeof node.widgets[at + 1] === 'string' && SEED_CONTROLS.has(node.widgets[at + 1] as string) ? 2 : 1;
  return {
    seed,
    steps: integerOf(node.widgets[at]),
    cfg: numberOf(node.widgets[at + 1]),
    sampler: stringOf(node.widgets[at + 2]),
    scheduler: stringOf(node.widgets[at + 3]),
  };
}

function uiLoras(nodes: readonly UiNode[], loras: LoraReferenceSet): void {
  for (const node of nodes) {
    if (!/lora/i.test(node.type)) continue;
    const powerEntries = node.widgets.filter(isRecord).filter((w) => typeof w['lora'] === 'string');
    for (const entry of powerEntries) {
      const name = loraNameOf(entry['lora']);
      if (entry['on'] !== false && name !== null) loras.add({ name, weight: numberOf(entry['strength']) });
    }
    const name = loraNameOf(node.widgets[0]);
    if (powerEntries.length === 0 && name !== null) loras.add({ name, weight: numberOf(node.widgets[1]) });
  }
}

/**
 * Reads ComfyUI's UI workflow (the `workflow` chunk), used when the API graph is missing: the same
 * facts from widget values by position, skipping muted and bypassed nodes. Subgraph definitions are
 * searched for LoRA loaders too.
 */
export function parseComfyUiWorkflow(text: string): Result {
  const parsed = parseJson(text, 'workflow');
  if ('problem' in parsed) return { generation: emptyGeneration(), problems: [parsed.problem] };
  const workflow = parsed.value;
  if (!isRecord(workflow) || !Array.isArray(workflow['nodes'])) {
    return {
      generation: emptyGeneration(),
      problems: [problem('invalid_json', 'The ComfyUI workflow is JSON but has no node list.')],
    };
  }
  const nodes = uiNodes(workflow['nodes'], uiLinkTable(workflow['links']));
  const subgraphNodes: UiNode[] = [];
  const definitions = workflow['definitions'];
  if (isRecord(definitions) && Array.isArray(definitions['subgraphs'])) {
    for (const subgraph of definitions['subgraphs']) {
      if (isRecord(subgraph))
        subgraphNodes.push(...uiNodes(subgraph['nodes'], uiLinkTable(subgraph['links'])));
    }
  }
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const loras = new LoraReferenceSet();
  uiLoras([...nodes, ...subgraphNodes], loras);
  const checkpoint = nodes.find((n) => /CheckpointLoader/.test(n.type));
  const sampler = nodes.find((n) => n.type === 'KSampler' || n.type === 'KSamplerAdvanced');
  return {
    generation: {
      ...emptyGeneration(),
      tool: 'comfyui',
      loras: loras.toArray(),
      modelName: checkpoint ? stringOf(checkpoint.widgets[0]) : null,
      ...(sampler && {
        ...uiSamplerSettings(sampler),
        prompt: uiText(byId, sampler.inputs.get('positive'), 0, new Set()),
        negativePrompt: uiText(byId, sampler.inputs.get('negative'), 0, new Set()),
      }),
    },
    problems: [],
  };
}
