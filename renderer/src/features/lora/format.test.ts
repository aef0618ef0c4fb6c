import { describe, expect, it } from 'vitest';
import { describeRanks, formatBytes, formatPercent, plural } from './format';

describe('formatBytes', () => {
  it('uses binary units with a precision that fits the size', () => {
    expect(formatBytes(0)).toBe('0 bytes');
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(1023)).toBe('1023 bytes');
    expect(formatBytes(2_179_804)).toBe('2.08 MB');
    expect(formatBytes(228_458_752)).toBe('218 MB');
    expect(formatBytes(45 * 1024 * 1024)).toBe('45.0 MB');
    expect(formatBytes(6.5 * 1024 ** 3)).toBe('6.50 GB');
    expect(formatBytes(-1)).toBe('—');
  });
});

describe('formatPercent', () => {
  it('keeps a decimal near the ends so 0.4% and 99.6% do not round away', () => {
    expect(formatPercent(0.4231)).toBe('42%');
    expect(formatPercent(0.004)).toBe('0.4%');
    expect(formatPercent(0.996)).toBe('99.6%');
    expect(formatPercent(1)).toBe('100%');
    expect(formatPercent(0)).toBe('0%');
  });
});

describe('counts', () => {
  it('pluralizes and groups thousands', () => {
    expect(plural(1, 'module')).toBe('1 module');
    expect(plural(2958, 'tensor')).toBe('2,958 tensors');
  });

  it('describes one rank or a range', () => {
    expect(describeRanks([{ rank: 4, modules: 986 }])).toBe('rank 4');
    expect(
      describeRanks([
        { rank: 32, modules: 2 },
        { rank: 4, modules: 3 },
      ]),
    ).toBe('ranks 4–32');
    expect(describeRanks([])).toBe('no low-rank modules');
  });
});
