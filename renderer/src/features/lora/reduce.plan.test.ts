import { describe, expect, it } from 'vitest';
import type { ReduceResult } from '../../api';
import {
  dynamicRuleText,
  fileNameProblem,
  joinPath,
  modulesInLayerSet,
  outputFileName,
  rankRuleProblem,
  reduceButtonLabel,
  reduceInput,
  splitPath,
  suggestFileName,
  summarizeReduction,
  type ReducePlan,
} from './reduce.plan';

const rank1: ReducePlan = { layers: 'all', rank: 1, dynamic: null };

describe('suggestFileName', () => {
  it('names the operation after the stem', () => {
    expect(suggestFileName('/loras/ink wash.safetensors', rank1)).toBe('ink wash-rank1.safetensors');
    expect(suggestFileName('/loras/ink.safetensors', { ...rank1, layers: 'attn_v' })).toBe(
      'ink-attn_v-rank1.safetensors',
    );
    expect(suggestFileName('C:\\loras\\ink.SafeTensors', { ...rank1, layers: 'ff+attn_v', rank: 8 })).toBe(
      'ink-ff+attn_v-rank8.safetensors',
    );
    expect(
      suggestFileName('/loras/ink.safetensors', {
        layers: 'all',
        rank: null,
        dynamic: { rule: 'sv_fro', value: 0.9 },
      }),
    ).toBe('ink-sv_fro0.9.safetensors');
  });
});

describe('paths', () => {
  it('splits POSIX and Windows paths, keeping roots', () => {
    expect(splitPath('/home/me/loras/a.safetensors')).toEqual({
      folder: '/home/me/loras',
      name: 'a.safetensors',
      separator: '/',
    });
    expect(splitPath('C:\\Models\\a.safetensors')).toEqual({
      folder: 'C:\\Models',
      name: 'a.safetensors',
      separator: '\\',
    });
    expect(splitPath('/a.safetensors').folder).toBe('/');
    expect(splitPath('C:\\a.safetensors').folder).toBe('C:\\');
    expect(splitPath('a.safetensors')).toMatchObject({ folder: '', name: 'a.safetensors' });
  });

  it('joins with the folder’s own separator and no doubled one', () => {
    expect(joinPath('/home/me', 'a.safetensors')).toBe('/home/me/a.safetensors');
    expect(joinPath('/home/me/ ', 'a.safetensors')).toBe('/home/me/a.safetensors');
    expect(joinPath('D:\\out', 'a.safetensors')).toBe('D:\\out\\a.safetensors');
    expect(joinPath('C:\\', 'a.safetensors')).toBe('C:\\a.safetensors');
    expect(joinPath('', 'a.safetensors')).toBe('a.safetensors');
  });
});

describe('file names', () => {
  it('adds the extension when left off', () => {
    expect(outputFileName(' small ')).toBe('small.safetensors');
    expect(outputFileName('small.safetensors')).toBe('small.safetensors');
  });

  it('refuses names a folder picker should have given', () => {
    expect(fileNameProblem('ok-name')).toBeNull();
    expect(fileNameProblem('  ')).toMatch(/Enter a name/);
    expect(fileNameProblem('.safetensors')).toMatch(/Enter a name/);
    expect(fileNameProblem('sub/dir.safetensors')).toMatch(/folder above/);
    expect(fileNameProblem('what?.safetensors')).toMatch(/Leave out/);
  });
});

describe('rank rules', () => {
  it('accepts shares in (0, 1] and ratios above 1', () => {
    expect(rankRuleProblem('sv_fro', 0.9)).toBeNull();
    expect(rankRuleProblem('sv_cumulative', 1)).toBeNull();
    expect(rankRuleProblem('sv_fro', 0)).not.toBeNull();
    expect(rankRuleProblem('sv_fro', 1.2)).not.toBeNull();
    expect(rankRuleProblem('sv_ratio', 10)).toBeNull();
    expect(rankRuleProblem('sv_ratio', 1)).not.toBeNull();
    expect(rankRuleProblem('sv_ratio', Number.NaN)).toBe('Enter a number.');
  });

  it('writes values the contract’s pattern takes', () => {
    expect(dynamicRuleText('sv_fro', 0.9)).toBe('sv_fro:0.9');
    expect(dynamicRuleText('sv_ratio', 10)).toBe('sv_ratio:10');
    expect(dynamicRuleText('sv_cumulative', 1e-3)).toBe('sv_cumulative:0.001');
    expect(dynamicRuleText('sv_fro', 0.1 + 0.2)).toBe('sv_fro:0.3');
  });
});

describe('reduceInput', () => {
  it('sends a fixed rank, or a dynamic rule with an optional cap', () => {
    expect(reduceInput('/l/a.safetensors', { ...rank1, layers: 'attn_v' }, '/out', 'b')).toEqual({
      path: '/l/a.safetensors',
      out: '/out/b.safetensors',
      layers: 'attn_v',
      rank: 1,
      overwrite: false,
    });
    const dynamic = { rule: 'sv_fro', value: 0.9 } as const;
    expect(reduceInput('/l/a.safetensors', { layers: 'all', rank: null, dynamic }, '/l', 'c')).toEqual({
      path: '/l/a.safetensors',
      out: '/l/c.safetensors',
      layers: 'all',
      dynamic: 'sv_fro:0.9',
      overwrite: false,
    });
    expect(reduceInput('/l/a.safetensors', { layers: 'all', rank: 8, dynamic }, '/l', 'c').rank).toBe(8);
  });

  it('labels the button with what will happen', () => {
    expect(reduceButtonLabel(rank1)).toBe('Reduce to rank 1');
    expect(reduceButtonLabel({ layers: 'all', rank: 4, dynamic: { rule: 'sv_ratio', value: 10 } })).toBe(
      'Reduce with sv_ratio 10',
    );
  });
});

describe('modulesInLayerSet', () => {
  const counts = { attn1_v: 70, attn2_v: 70, attn1_q: 70, ff_in: 70, ff_out: 70, te_attn_v: 44, conv: 3 };
  it('counts what each layer set keeps, text-encoder values excluded', () => {
    expect(modulesInLayerSet(counts, 'all')).toBe(397);
    expect(modulesInLayerSet(counts, 'attn_v')).toBe(140);
    expect(modulesInLayerSet(counts, 'attn')).toBe(210);
    expect(modulesInLayerSet(counts, 'ff')).toBe(140);
    expect(modulesInLayerSet(counts, 'ff+attn_v')).toBe(280);
  });
});

describe('summarizeReduction', () => {
  const module = (newRank: number, energyKept: number) => ({
    key: 'k',
    kind: 'attn1_v',
    originalRank: 4,
    newRank,
    singularValues: [1, 0.5],
    energyKept,
  });
  const result: ReduceResult = {
    source: '/a',
    destination: '/b',
    hashes: { sha256: 'x', autoV2: 'x', tensorSha256: null, autoV3: null },
    modules: [module(1, 0.5), module(1, 0.9), module(2, 0.7)],
    skipped: [
      { key: 'a', reason: 'a: DoRA modules rescale the base weight' },
      { key: 'b', reason: 'b: DoRA modules rescale the base weight' },
      { key: 'c', reason: 'loha modules have no low-rank factors' },
    ],
    totals: { modulesInFile: 20, modulesSelected: 6, sourceBytes: 4096, outputBytes: 1024 },
    timings: { total: 12 },
  };

  it('counts kept ranks, the median energy kept and why modules were skipped', () => {
    expect(summarizeReduction(result)).toEqual({
      kept: 3,
      ranks: [
        { rank: 1, modules: 2 },
        { rank: 2, modules: 1 },
      ],
      medianEnergyKept: 0.7,
      outsideLayers: 14,
      skipped: 3,
      skippedReasons: [
        { reason: 'DoRA modules rescale the base weight', modules: 2 },
        { reason: 'loha modules have no low-rank factors', modules: 1 },
      ],
      bytes: { source: 4096, output: 1024 },
    });
  });

  it('leaves out what the engine did not count', () => {
    const summary = summarizeReduction({ ...result, modules: [], totals: {} });
    expect(summary).toMatchObject({ kept: 0, medianEnergyKept: null, outsideLayers: null, bytes: null });
  });
});
