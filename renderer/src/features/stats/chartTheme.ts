import { useMemo } from 'react';

/** The design tokens recharts needs as plain colours (SVG attributes do not resolve CSS variables). */
export interface ChartTheme {
  grid: string;
  axis: string;
  tick: string;
  text: string;
  accent: string;
  accentSoft: string;
  surface: string;
  border: string;
}

const TOKENS: Record<keyof ChartTheme, string> = {
  grid: '--border',
  axis: '--border-strong',
  tick: '--text-faint',
  text: '--text',
  accent: '--accent',
  accentSoft: '--accent-soft',
  surface: '--surface-raised',
  border: '--border-strong',
};

export function readChartTheme(style: Pick<CSSStyleDeclaration, 'getPropertyValue'>): ChartTheme {
  const theme = {} as ChartTheme;
  for (const [key, token] of Object.entries(TOKENS) as [keyof ChartTheme, string][])
    theme[key] = style.getPropertyValue(token).trim() || 'currentColor';
  return theme;
}

export function useChartTheme(): ChartTheme {
  return useMemo(() => readChartTheme(getComputedStyle(document.documentElement)), []);
}
