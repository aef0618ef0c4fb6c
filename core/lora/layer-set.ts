import type { LayerSet, ModuleKind } from './lora.types';

const ATTENTION: ReadonlySet<ModuleKind> = new Set([
  'attn1_q',
  'attn1_k',
  'attn1_v',
  'attn1_out',
  'attn2_q',
  'attn2_k',
  'attn2_v',
  'attn2_out',
]);
const ATTENTION_V: ReadonlySet<ModuleKind> = new Set(['attn1_v', 'attn2_v']);
const FEED_FORWARD: ReadonlySet<ModuleKind> = new Set(['ff_in', 'ff_out']);

/**
 * The layer sets of the ImageGem appendix (Table 10): `attn` is every UNet attention projection,
 * `attn_v` the value projections of self- and cross-attention, `ff` both feed-forward layers.
 * `all` keeps every module, text encoders and convolutions included.
 */
export function inLayerSet(kind: ModuleKind, set: LayerSet): boolean {
  switch (set) {
    case 'all':
      return true;
    case 'attn':
      return ATTENTION.has(kind);
    case 'attn_v':
      return ATTENTION_V.has(kind);
    case 'ff':
      return FEED_FORWARD.has(kind);
    case 'ff+attn_v':
      return FEED_FORWARD.has(kind) || ATTENTION_V.has(kind);
  }
}
