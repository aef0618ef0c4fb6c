import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { InlineCode } from './InlineCode';

// createElement, not JSX: test files sit outside tsconfig.web.json, so Vitest would compile JSX the classic way.
const html = (text: string) => renderToStaticMarkup(createElement(InlineCode, { text }));

describe('InlineCode', () => {
  it('shows backticked parts as code', () => {
    expect(html('Run `npm install` then `atelier serve`.')).toBe(
      'Run <code>npm install</code> then <code>atelier serve</code>.',
    );
  });

  it('leaves an unclosed backtick as text', () => {
    expect(html('a `b` c `d')).toBe('a <code>b</code> c `d');
  });

  it('escapes markup in messages', () => {
    expect(html('<img> `<b>`')).toBe('&lt;img&gt; <code>&lt;b&gt;</code>');
  });
});
