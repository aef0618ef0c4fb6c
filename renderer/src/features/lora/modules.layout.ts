export interface KindCell {
  /** Short name within its row: q, k, v, out, in, fc1… */
  name: string;
  kind: string;
  count: number;
}

export interface KindRow {
  label: string;
  /** The kohya key fragment the row's modules share, e.g. attn1. */
  detail: string | null;
  cells: KindCell[];
  total: number;
}

const LAYOUT: readonly {
  label: string;
  detail: string | null;
  cells: readonly (readonly [string, string])[];
}[] = [
  {
    label: 'Self-attention',
    detail: 'attn1',
    cells: [
      ['q', 'attn1_q'],
      ['k', 'attn1_k'],
      ['v', 'attn1_v'],
      ['out', 'attn1_out'],
    ],
  },
  {
    label: 'Cross-attention',
    detail: 'attn2',
    cells: [
      ['q', 'attn2_q'],
      ['k', 'attn2_k'],
      ['v', 'attn2_v'],
      ['out', 'attn2_out'],
    ],
  },
  {
    label: 'Feed-forward',
    detail: 'ff',
    cells: [
      ['in', 'ff_in'],
      ['out', 'ff_out'],
    ],
  },
  {
    label: 'Projections',
    detail: 'proj',
    cells: [
      ['in', 'proj_in'],
      ['out', 'proj_out'],
    ],
  },
  {
    label: 'Text encoder attention',
    detail: 'te',
    cells: [
      ['q', 'te_attn_q'],
      ['k', 'te_attn_k'],
      ['v', 'te_attn_v'],
      ['out', 'te_attn_out'],
    ],
  },
  {
    label: 'Text encoder MLP',
    detail: 'te',
    cells: [
      ['fc1', 'te_mlp_fc1'],
      ['fc2', 'te_mlp_fc2'],
    ],
  },
  { label: 'Convolutions', detail: null, cells: [['conv', 'conv']] },
];

/** Module counts laid out as the network is: one row per layer family, one cell per projection. */
export function kindRows(countsByKind: Readonly<Record<string, number>>): KindRow[] {
  const placed = new Set<string>();
  const rows: KindRow[] = [];
  for (const { label, detail, cells } of LAYOUT) {
    const filled = cells.map(([name, kind]) => {
      placed.add(kind);
      return { name, kind, count: countsByKind[kind] ?? 0 };
    });
    const total = filled.reduce((sum, cell) => sum + cell.count, 0);
    if (total > 0) rows.push({ label, detail, cells: filled, total });
  }
  const rest = Object.entries(countsByKind)
    .filter(([kind, count]) => !placed.has(kind) && count > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, count]) => ({ name: kind, kind, count }));
  if (rest.length > 0)
    rows.push({
      label: 'Other',
      detail: null,
      cells: rest,
      total: rest.reduce((sum, cell) => sum + cell.count, 0),
    });
  return rows;
}

const TARGETS: readonly (readonly [string, string])[] = [
  ['unet', 'UNet'],
  ['transformer', 'Transformer'],
  ['te', 'Text encoder'],
  ['te1', 'Text encoder 1'],
  ['te2', 'Text encoder 2'],
];

export interface TargetRow {
  target: string;
  label: string;
  count: number;
  /** Of all modules, 0..1. */
  share: number;
}

export function targetRows(countsByTarget: Readonly<Record<string, number>>): TargetRow[] {
  const total = Object.values(countsByTarget).reduce((sum, count) => sum + count, 0);
  const known = new Map(TARGETS);
  const order = (target: string) => {
    const at = TARGETS.findIndex(([name]) => name === target);
    return at < 0 ? TARGETS.length : at;
  };
  return Object.entries(countsByTarget)
    .filter(([, count]) => count > 0)
    .sort(([a], [b]) => order(a) - order(b) || a.localeCompare(b))
    .map(([target, count]) => ({
      target,
      label: known.get(target) ?? target,
      count,
      share: total === 0 ? 0 : count / total,
    }));
}
