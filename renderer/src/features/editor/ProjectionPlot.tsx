import { useId } from 'react';
import {
  CartesianGrid,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
  type TooltipContentProps,
} from 'recharts';
import { useMethodQuery } from '../../api';
import { useChartTheme } from '../stats/chartTheme';
import { EditorError } from './EditorError';
import { formatNumber, type PathPoint, type PlotAxes, type Projection } from './editor.format';
import { toPlot, type PlotPoint } from './plot.data';
import styles from './Editor.module.css';

export const LABEL_COLORS = { positive: '#f4a261', negative: '#7aa2ff', none: '#6b7280' } as const;
const EDIT_COLOR = '#f5f7fb';

/**
 * The collection on two directions (or one and the first principal component), coloured by the x
 * direction's labels, with the edited LoRA's trail as the sliders move. Axes in standard deviations.
 */
export function ProjectionPlot({
  space,
  directions,
  axes,
  onAxes,
  path,
  origin,
}: {
  space: string;
  directions: readonly string[];
  axes: PlotAxes;
  onAxes: (axes: PlotAxes) => void;
  /** The edited LoRA's positions on the two axes, raw units. */
  path: readonly PathPoint[];
  /** Where the LoRA sits unedited, raw units. */
  origin: PathPoint | null;
}) {
  const ids = { x: useId(), y: useId() };
  const projection = useMethodQuery(
    'w2w.project',
    { space, x: axes.x, ...(axes.y === null ? {} : { y: axes.y }) },
    { staleTime: 60_000, placeholderData: (previous) => previous },
  );
  const yName = axes.y ?? projection.data?.yLabel ?? 'PC1';

  return (
    <div className={styles.plotWrap}>
      <div className={styles.axesRow}>
        <label className={styles.axisField} htmlFor={ids.x}>
          <span className={styles.miniLabel}>Across</span>
          <select
            id={ids.x}
            className="select"
            value={axes.x}
            aria-label="Plot x axis"
            onChange={(event) =>
              onAxes({ x: event.target.value, y: axes.y === event.target.value ? null : axes.y })
            }
          >
            {directions.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label className={styles.axisField} htmlFor={ids.y}>
          <span className={styles.miniLabel}>Up</span>
          <select
            id={ids.y}
            className="select"
            value={axes.y ?? ''}
            aria-label="Plot y axis"
            onChange={(event) =>
              onAxes({ x: axes.x, y: event.target.value === '' ? null : event.target.value })
            }
          >
            <option value="">Principal component 1</option>
            {directions
              .filter((name) => name !== axes.x)
              .map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
          </select>
        </label>
        <Legend x={axes.x} />
      </div>
      {projection.error ? (
        <EditorError error={projection.error} action="preview" />
      ) : projection.data ? (
        <Chart projection={projection.data} xName={axes.x} yName={yName} path={path} origin={origin} />
      ) : (
        <div className={styles.plotPlaceholder} role="status">
          Projecting the collection…
        </div>
      )}
    </div>
  );
}

function Legend({ x }: { x: string }) {
  return (
    <ul className={styles.legend} aria-label="Legend">
      <li>
        <span className={styles.swatch} style={{ background: LABEL_COLORS.positive }} />
        {x}
      </li>
      <li>
        <span className={styles.swatch} style={{ background: LABEL_COLORS.negative }} />
        not {x}
      </li>
      <li>
        <span className={styles.swatch} style={{ background: LABEL_COLORS.none }} />
        unlabeled
      </li>
      <li>
        <span className={`${styles.swatch} ${styles.swatchEdit}`} />
        edited
      </li>
    </ul>
  );
}

function Chart({
  projection,
  xName,
  yName,
  path,
  origin,
}: {
  projection: Projection;
  xName: string;
  yName: string;
  path: readonly PathPoint[];
  origin: PathPoint | null;
}) {
  const theme = useChartTheme();
  const plot = toPlot(projection, path, origin);
  const axis = {
    stroke: theme.axis,
    tick: { fill: theme.tick, fontSize: 11 },
    tickLine: { stroke: theme.axis },
  };
  const label = (value: string, position: 'insideBottom' | 'insideLeft') => ({
    value: `${value} (σ)`,
    position,
    fill: theme.tick,
    fontSize: 11,
    ...(position === 'insideLeft' ? { angle: -90, dx: 4 } : { dy: 12 }),
  });
  return (
    <div
      className={styles.chart}
      role="img"
      aria-label={`The collection on ${xName} and ${yName}`}
      data-points={projection.points.length}
      data-path={plot.trail.length}
    >
      <ResponsiveContainer width="100%" height={320}>
        <ScatterChart margin={{ top: 12, right: 16, bottom: 20, left: 4 }}>
          <CartesianGrid stroke={theme.grid} />
          <XAxis
            type="number"
            dataKey="x"
            domain={plot.x.domain}
            ticks={plot.x.ticks}
            {...axis}
            tickFormatter={(value: number) => formatNumber(value)}
            label={label(xName, 'insideBottom')}
            allowDataOverflow
          />
          <YAxis
            type="number"
            dataKey="y"
            domain={plot.y.domain}
            ticks={plot.y.ticks}
            {...axis}
            width={44}
            tickFormatter={(value: number) => formatNumber(value)}
            label={label(yName, 'insideLeft')}
            allowDataOverflow
          />
          <ReferenceLine x={0} stroke={theme.axis} strokeDasharray="2 4" />
          <ReferenceLine y={0} stroke={theme.axis} strokeDasharray="2 4" />
          <Tooltip
            cursor={{ stroke: theme.axis }}
            isAnimationActive={false}
            content={(props: TooltipContentProps) => <PointTip {...props} />}
          />
          {(['none', 'negative', 'positive'] as const).map((label) => (
            <Scatter
              key={label}
              name={label}
              data={plot.members[label]}
              fill={LABEL_COLORS[label]}
              fillOpacity={0.85}
              isAnimationActive={false}
            />
          ))}
          {plot.trail.length > 0 ? (
            <Scatter
              name="edited path"
              data={plot.trail}
              line={{ stroke: EDIT_COLOR, strokeWidth: 1.5, strokeOpacity: 0.7 }}
              shape={() => <g />}
              isAnimationActive={false}
            />
          ) : null}
          {plot.origin ? (
            <Scatter
              name="original"
              data={[plot.origin]}
              shape={(props: { cx?: number; cy?: number }) => (
                <circle cx={props.cx} cy={props.cy} r={5} fill="none" stroke={EDIT_COLOR} strokeWidth={1.5} />
              )}
              isAnimationActive={false}
            />
          ) : null}
          {plot.current ? (
            <Scatter
              name="edited"
              data={[plot.current]}
              shape={(props: { cx?: number; cy?: number }) => (
                <g>
                  <circle cx={props.cx} cy={props.cy} r={9} fill={EDIT_COLOR} fillOpacity={0.18} />
                  <circle cx={props.cx} cy={props.cy} r={4.5} fill={EDIT_COLOR} data-edited="" />
                </g>
              )}
              isAnimationActive={false}
            />
          ) : null}
        </ScatterChart>
      </ResponsiveContainer>
    </div>
  );
}

function PointTip(props: TooltipContentProps) {
  const point = props.active ? (props.payload[0]?.payload as PlotPoint | undefined) : undefined;
  if (!point) return null;
  return (
    <div className={styles.tooltip}>
      <div className={styles.tooltipTitle}>{point.name}</div>
      <div>
        {formatNumber(point.x)}σ, {formatNumber(point.y)}σ
      </div>
    </div>
  );
}
