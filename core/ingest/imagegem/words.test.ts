import { describe, expect, it } from 'vitest';
import { countWords, wordsAbove } from './words';

const reference = (text: string): number => text.split(/\s+/).filter((w) => w !== '').length;

describe('countWords', () => {
  it('counts whitespace-separated tokens as split(/\\s+/) does', () => {
    const texts = [
      '',
      '   ',
      'one',
      ' masterpiece,  best quality,\n1girl\tsolo ',
      'a\u00a0b\u3000c\u2028d\ufeffe',
      '(worst quality:1.4), <lora:detail:0.8> 猫 耳',
    ];
    for (const text of texts) expect(countWords(text)).toBe(reference(text));
  });

  it('gives a word count only above the threshold, and rejects short texts by length', () => {
    const words = (n: number): string => Array.from({ length: n }, () => 'w').join(' ');
    expect(wordsAbove(words(200), 200)).toBeNull();
    expect(wordsAbove(words(201), 200)).toBe(201);
    expect(wordsAbove(`${words(150)}${'x'.repeat(600)}`, 200)).toBeNull();
    expect(wordsAbove(null, 200)).toBeNull();
  });
});
