import { describe, expect, it } from 'vitest';
import {
  formatDuration,
  MAX_VALUE_CHARS,
  modelspecRows,
  parseUnixSeconds,
  summarizeDatasetDirs,
  summarizeTagFrequency,
  trainingRows,
} from './metadata';

describe('summarizeTagFrequency', () => {
  it('merges folders and ranks tags by count', () => {
    const raw = JSON.stringify({
      '10_subject': { subject: 40, 'watercolor painting': 25, outdoors: 12 },
      '5_style': { ' outdoors': 10, ink: 3 },
    });
    expect(summarizeTagFrequency(raw, 3)).toEqual({
      tags: 4,
      folders: 2,
      top: [
        { tag: 'subject', count: 40 },
        { tag: 'watercolor painting', count: 25 },
        { tag: 'outdoors', count: 22 },
      ],
    });
  });

  it('gives up on text that is not kohya’s shape', () => {
    expect(summarizeTagFrequency('not json')).toBeNull();
    expect(summarizeTagFrequency('[1, 2]')).toBeNull();
    expect(summarizeTagFrequency('{"a": 3}')).toBeNull();
  });
});

describe('summarizeDatasetDirs', () => {
  it('reads images and repeats per folder', () => {
    expect(summarizeDatasetDirs('{"10_subject": {"n_repeats": 10, "img_count": 40}}')).toBe(
      '10_subject: 40 images × 10 repeats',
    );
    expect(summarizeDatasetDirs('nope')).toBeNull();
  });
});

describe('dates', () => {
  it('reads kohya’s Unix seconds and formats a duration', () => {
    expect(parseUnixSeconds('1714564800.0')?.toISOString()).toBe('2024-05-01T12:00:00.000Z');
    expect(parseUnixSeconds('yesterday')).toBeNull();
    expect(formatDuration(45 * 60_000)).toBe('45 min');
    expect(formatDuration(120 * 60_000)).toBe('2 h');
    expect(formatDuration(125 * 60_000)).toBe('2 h 5 min');
  });
});

describe('trainingRows', () => {
  const training = {
    ss_network_dim: '4',
    ss_network_alpha: '2',
    ss_network_module: 'networks.lora',
    ss_tag_frequency: '{"f": {"a": 2, "b": 1}}',
    ss_training_started_at: '1714564800.0',
    ss_training_finished_at: '1714572000.0',
    ss_zeta: 'z',
    sshs_model_hash: 'abc',
    ss_training_comment: 'x'.repeat(400),
    ss_seed: 'None',
  };

  it('puts the important fields first, summarized, and the rest after by key', () => {
    const { important, other } = trainingRows(training);
    expect(important.map((row) => row.key)).toEqual([
      'ss_training_comment',
      'ss_tag_frequency',
      'ss_network_module',
      'ss_network_dim',
      'ss_network_alpha',
      'ss_training_started_at',
      'ss_training_finished_at',
    ]);
    expect(other.map((row) => row.key)).toEqual(['ss_zeta', 'sshs_model_hash']);
    const tags = important[1]!;
    expect(tags).toMatchObject({
      label: 'Tags',
      value: '2 tags in 1 folder',
      tags: [
        { tag: 'a', count: 2 },
        { tag: 'b', count: 1 },
      ],
    });
    expect(important[6]!.value).toMatch(/\(took 2 h\)$/);
    expect(important[0]!.value).toHaveLength(MAX_VALUE_CHARS);
    expect(important[0]!.raw).toHaveLength(400);
  });
});

describe('modelspecRows', () => {
  it('drops the prefix and orders known fields first', () => {
    const rows = modelspecRows({
      'modelspec.sai_model_spec': '1.0.0',
      'modelspec.zzz': 'last',
      'modelspec.title': 'Ink',
      'modelspec.architecture': 'stable-diffusion-xl-v1-base/lora',
    });
    expect(rows.map((row) => [row.label, row.value])).toEqual([
      ['Title', 'Ink'],
      ['Architecture', 'stable-diffusion-xl-v1-base/lora'],
      ['Spec version', '1.0.0'],
      ['zzz', 'last'],
    ]);
  });
});
