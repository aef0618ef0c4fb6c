import type { LoraReference } from './metadata.types';

const MODEL_EXTENSIONS = /\.(safetensors|ckpt|pt|pth|bin)$/i;

/**
 * The key two spellings of one LoRA share: the file stem, lower-cased, without folders.
 * `<lora:Foo:1>`, ComfyUI's `sdxl\Foo.safetensors` and `loras/foo.safetensors` are one LoRA.
 */
export function loraNameKey(name: string): string {
  const base = name.trim().split(/[\\/]/).pop() ?? '';
  return base.replace(MODEL_EXTENSIONS, '').toLowerCase();
}

const HEX = /^[0-9a-f]{8,64}$/;

export function normalizeHash(value: string): string | null {
  const hash = value.trim().toLowerCase();
  return HEX.test(hash) ? hash : null;
}

interface Draft {
  name: string | null;
  weight: number | null;
  hashes: string[];
}

/** Collects references from several sources, merging those that name the same LoRA. */
export class LoraReferenceSet {
  private readonly byKey = new Map<string, Draft>();
  private readonly nameless: Draft[] = [];

  add(input: { name?: string | null; weight?: number | null; hash?: string | null }): void {
    const hash = input.hash === undefined || input.hash === null ? null : normalizeHash(input.hash);
    const name = input.name?.trim() || null;
    if (name === null) {
      if (hash !== null && !this.nameless.some((d) => d.hashes.includes(hash))) {
        this.nameless.push({ name: null, weight: input.weight ?? null, hashes: [hash] });
      }
      return;
    }
    const key = loraNameKey(name);
    let draft = this.byKey.get(key);
    if (!draft) {
      draft = { name, weight: null, hashes: [] };
      this.byKey.set(key, draft);
    }
    if (draft.weight === null && input.weight !== undefined) draft.weight = input.weight;
    if (hash !== null && !draft.hashes.includes(hash)) draft.hashes.push(hash);
  }

  addAll(references: readonly LoraReference[]): void {
    for (const ref of references) {
      if (ref.hashes.length === 0) this.add({ name: ref.name, weight: ref.weight });
      for (const hash of ref.hashes) this.add({ name: ref.name, weight: ref.weight, hash });
    }
  }

  toArray(): LoraReference[] {
    return [...this.byKey.values(), ...this.nameless].map((d) => ({
      name: d.name,
      weight: d.weight,
      hashes: [...d.hashes],
    }));
  }
}
