import { useId } from 'react';
import { plural } from './format';
import { indexTicks, logAxisMin, logTicks, type GroupSpectrum } from './spectra.stats';
import styles from './Spectrum.module.css';

const WIDTH = 640;
const HEIGHT = 300;
const MARGIN = { top: 14, right: 18, bottom: 46, left: 60 };
const INNER_W = WIDTH - MARGIN.left - MARGIN.right;
const INNER_H = HEIGHT - MARGIN.top - MARGIN.bottom;
/** Markers help read a few points and clutter many. */
const MARKERS_UP_TO = 24;

const SUPERSCRIPT: Record<string, string> = { '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴' };

function tickLabel(value: number): string {
  if (value >= 0.01) return String(value);
  const exponent = String(Math.round(Math.log10(value)));
  return `10${[...exponent].map((char) => SUPERSCRIPT[char] ?? char).join('')}`;
}

/**
 * Median σᵢ/σ₁ per layer group against the component index, on a log axis, with the interquartile range
 * as a band. Drawn by hand: a few paths do not need a chart library in an offline app.
 */
export function SpectrumPlot({ groups, title }: { groups: readonly GroupSpectrum[]; title: string }) {
  const id = useId();
  const maxIndex = groups.reduce((max, group) => Math.max(max, group.maxRank), 1);
  const yMin = logAxisMin(groups);
  const logSpan = -Math.log10(yMin);
  const x = (index: number) => MARGIN.left + ((index - 1) / Math.max(1, maxIndex - 1)) * INNER_W;
  const y = (value: number) => MARGIN.top + (-Math.log10(Math.max(value, yMin)) / logSpan) * INNER_H;
  const line = (values: readonly { index: number; value: number }[]) =>
    values
      .map((point, i) => `${i === 0 ? 'M' : 'L'}${x(point.index).toFixed(1)},${y(point.value).toFixed(1)}`)
      .join('');

  const description = groups
    .map((group) => {
      const last = group.points[group.points.length - 1];
      return `${group.label}: ${group.modules} modules, median σ${group.maxRank}/σ₁ ${last ? last.median.toPrecision(2) : '—'}`;
    })
    .join('; ');

  return (
    <svg
      className={styles.plot}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-desc`}
    >
      <title id={`${id}-title`}>{title}</title>
      <desc
        id={`${id}-desc`}
      >{`Median normalized singular values by component index, log scale. ${description}.`}</desc>

      <g className={styles.grid}>
        {logTicks(yMin).map((tick) => (
          <g key={tick}>
            <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y(tick)} y2={y(tick)} />
            <text className={styles.tickY} x={MARGIN.left - 8} y={y(tick)} dy="0.32em">
              {tickLabel(tick)}
            </text>
          </g>
        ))}
        {indexTicks(maxIndex).map((tick) => (
          <g key={tick}>
            <line
              className={styles.tickMark}
              x1={x(tick)}
              x2={x(tick)}
              y1={MARGIN.top + INNER_H}
              y2={MARGIN.top + INNER_H + 5}
            />
            <text className={styles.tickX} x={x(tick)} y={MARGIN.top + INNER_H + 18}>
              {tick}
            </text>
          </g>
        ))}
      </g>
      <line
        className={styles.axis}
        x1={MARGIN.left}
        x2={WIDTH - MARGIN.right}
        y1={MARGIN.top + INNER_H}
        y2={MARGIN.top + INNER_H}
      />
      <text className={styles.axisLabel} x={MARGIN.left + INNER_W / 2} y={HEIGHT - 6}>
        Component index <tspan fontStyle="italic">i</tspan>
      </text>
      <text className={styles.axisLabel} transform={`translate(14 ${MARGIN.top + INNER_H / 2}) rotate(-90)`}>
        σ<Sub>i</Sub> / σ<Sub>1</Sub> (log scale)
      </text>

      {groups.map((group) => {
        const upper = group.points.map((point) => ({ index: point.index, value: point.q3 }));
        const lower = [...group.points].reverse().map((point) => ({ index: point.index, value: point.q1 }));
        const band = `${line(upper)}${line(lower).replace(/^M/, 'L')}Z`;
        return (
          <g key={group.group} className={`${styles.series} ${styles[group.group]}`} data-group={group.group}>
            {group.points.length > 1 ? <path className={styles.band} d={band} /> : null}
            <path
              className={styles.median}
              d={line(group.points.map((point) => ({ index: point.index, value: point.median })))}
            />
            {group.maxRank <= MARKERS_UP_TO
              ? group.points.map((point) => (
                  <circle
                    key={point.index}
                    className={styles.marker}
                    cx={x(point.index)}
                    cy={y(point.median)}
                    r={2.75}
                  >
                    <title>{`${group.label}, component ${point.index}: median ${point.median.toPrecision(3)} (middle half ${point.q1.toPrecision(2)}–${point.q3.toPrecision(2)}, ${plural(point.modules, 'module')})`}</title>
                  </circle>
                ))
              : null}
          </g>
        );
      })}
    </svg>
  );
}

/** A subscript that does not depend on the font having ᵢ. */
function Sub({ children }: { children: string }) {
  return (
    <tspan baselineShift="sub" fontSize="0.78em">
      {children}
    </tspan>
  );
}
