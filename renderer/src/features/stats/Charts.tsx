import type { ReactNode } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
  type TooltipContentProps,
} from 'recharts';
import { useChartTheme, type ChartTheme } from './chartTheme';
import {
  formatCompact,
  formatPercent,
  formatWhole,
  LOG_FLOOR,
  logTicks,
  reactedImages,
  sharedMax,
  toCdfPoints,
  toLogPoints,
  toRankPoints,
  wordTicks,
  type Bucket,
  type DatasetStats,
} from './stats.charts';
import styles from './Stats.module.css';

const reactionNames = { heart: 'Heart', like: 'Like', laugh: 'Laugh', cry: 'Cry' } as const;

/** A chart with its title, the figure of the paper it mirrors, and one line on how to read it. */
export function Figure({
  title,
  figure,
  caption,
  wide = false,
  children,
}: {
  title: string;
  figure: string;
  caption: string;
  wide?: boolean;
  children: ReactNode;
}) {
  return (
    <figure className={`${styles.figure} ${wide ? styles.figureWide : ''}`} aria-label={title}>
      <div className={styles.figureHead}>
        <h2>{title}</h2>
        <span className={styles.figureTag}>{figure}</span>
      </div>
      <figcaption className={styles.caption}>{caption}</figcaption>
      <div className={styles.chartBody}>{children}</div>
    </figure>
  );
}

function axisProps(theme: ChartTheme) {
  return {
    stroke: theme.axis,
    tick: { fill: theme.tick, fontSize: 11 },
    tickLine: { stroke: theme.axis },
  };
}

/** Tooltips are HTML over the chart: styled like the app's raised surfaces. */
function TooltipBox({ title, lines }: { title: string; lines: string[] }) {
  return (
    <div className={styles.tooltip}>
      <div className={styles.tooltipTitle}>{title}</div>
      {lines.map((line) => (
        <div key={line}>{line}</div>
      ))}
    </div>
  );
}

function pointOf<T>(props: TooltipContentProps): T | undefined {
  return props.active ? (props.payload[0]?.payload as T | undefined) : undefined;
}

/** Fig. 7: for each reaction, how many images got how many reactions; both axes logarithmic. */
export function ReactionsFigure({ reactions }: { reactions: DatasetStats['reactions'] }) {
  const theme = useChartTheme();
  const ticks = logTicks(sharedMax(reactions));
  return (
    <Figure
      title="Reactions per image"
      figure="Fig. 7"
      caption="Images by how many reactions of each kind they received, log-binned on x with a log count on y; one scale for all four."
      wide
    >
      <div className={styles.multiples}>
        {reactions.map((series) => (
          <section
            key={series.kind}
            className={styles.multiple}
            aria-label={`${reactionNames[series.kind]} reactions`}
          >
            <h3 className={styles.multipleTitle}>
              {reactionNames[series.kind]}
              <span className={styles.multipleMeta}>
                {formatWhole(reactedImages(series.buckets))} images with at least one
              </span>
            </h3>
            <ResponsiveContainer width="100%" height={190}>
              <BarChart data={toLogPoints(series.buckets)} margin={{ top: 8, right: 8, bottom: 4, left: 0 }}>
                <CartesianGrid stroke={theme.grid} vertical={false} />
                <XAxis dataKey="label" {...axisProps(theme)} interval="preserveStartEnd" minTickGap={4} />
                <YAxis
                  {...axisProps(theme)}
                  scale="log"
                  domain={[LOG_FLOOR, ticks[ticks.length - 1] ?? 10]}
                  ticks={ticks}
                  allowDataOverflow
                  tickFormatter={(value: number) => formatCompact(value)}
                  width={40}
                />
                <Tooltip
                  cursor={{ fill: theme.accentSoft }}
                  content={(props) => {
                    const point = pointOf<{ label: string; count: number }>(props);
                    return point ? (
                      <TooltipBox
                        title={`${point.label} ${reactionNames[series.kind].toLowerCase()} reactions`}
                        lines={[`${formatWhole(point.count)} images`]}
                      />
                    ) : null;
                  }}
                />
                <Bar dataKey="value" fill={theme.accent} radius={[3, 3, 0, 0]} isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </section>
        ))}
      </div>
    </Figure>
  );
}

/** Figs. 8–9: the most active users, names hidden; the long tail shows as a steep drop. */
export function TopUsersFigure({
  title,
  figure,
  caption,
  buckets,
  unit,
}: {
  title: string;
  figure: string;
  caption: string;
  buckets: readonly Bucket[];
  unit: string;
}) {
  const theme = useChartTheme();
  const points = toRankPoints(buckets);
  return (
    <Figure title={title} figure={figure} caption={caption}>
      {points.length === 0 ? (
        <p className={styles.chartEmpty}>No users with {unit} yet.</p>
      ) : (
        <ResponsiveContainer width="100%" height={240}>
          <BarChart data={points} margin={{ top: 8, right: 8, bottom: 18, left: 0 }}>
            <CartesianGrid stroke={theme.grid} vertical={false} />
            <XAxis
              dataKey="rank"
              {...axisProps(theme)}
              interval={points.length > 20 ? 1 : 0}
              label={{
                value: 'User rank',
                position: 'insideBottom',
                offset: -10,
                fill: theme.tick,
                fontSize: 11,
              }}
            />
            <YAxis {...axisProps(theme)} tickFormatter={(value: number) => formatCompact(value)} width={44} />
            <Tooltip
              cursor={{ fill: theme.accentSoft }}
              content={(props) => {
                const point = pointOf<{ label: string; count: number }>(props);
                return point ? (
                  <TooltipBox title={point.label} lines={[`${formatWhole(point.count)} ${unit}`]} />
                ) : null;
              }}
            />
            <Bar dataKey="count" fill={theme.accent} radius={[3, 3, 0, 0]} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      )}
    </Figure>
  );
}

/** Fig. 6: how long the longest prompts get, as a cumulative share on a log word-count axis. */
export function LongPromptsFigure({ longPrompts }: { longPrompts: DatasetStats['longPrompts'] }) {
  const theme = useChartTheme();
  const points = toCdfPoints(longPrompts.cdf);
  const first = points[0]?.words ?? 200;
  const last = points[points.length - 1]?.words ?? 1000;
  return (
    <Figure
      title="Very long prompts"
      figure="Fig. 6"
      caption={`Cumulative share of the ${formatWhole(longPrompts.count)} prompts longer than 200 words, by word count on a log scale.`}
      wide
    >
      {points.length === 0 ? (
        <p className={styles.chartEmpty}>No prompt in the loaded data is longer than 200 words.</p>
      ) : (
        <ResponsiveContainer width="100%" height={240}>
          <LineChart data={points} margin={{ top: 8, right: 16, bottom: 18, left: 0 }}>
            <CartesianGrid stroke={theme.grid} />
            <XAxis
              dataKey="words"
              type="number"
              scale="log"
              domain={[first, Math.max(last, first * 1.5)]}
              ticks={wordTicks(points)}
              allowDataOverflow
              {...axisProps(theme)}
              tickFormatter={(value: number) => formatCompact(value)}
              label={{
                value: 'Words in prompt',
                position: 'insideBottom',
                offset: -10,
                fill: theme.tick,
                fontSize: 11,
              }}
            />
            <YAxis
              {...axisProps(theme)}
              domain={[0, 1]}
              ticks={[0, 0.25, 0.5, 0.75, 1]}
              tickFormatter={(value: number) => formatPercent(value)}
              width={44}
            />
            <Tooltip
              cursor={{ stroke: theme.axis }}
              content={(props) => {
                const point = pointOf<{ words: number; fraction: number }>(props);
                return point ? (
                  <TooltipBox
                    title={`≤ ${formatWhole(point.words)} words`}
                    lines={[`${formatPercent(point.fraction)} of long prompts`]}
                  />
                ) : null;
              }}
            />
            <Line
              dataKey="fraction"
              type="stepAfter"
              stroke={theme.accent}
              strokeWidth={2}
              dot={false}
              isAnimationActive={false}
            />
          </LineChart>
        </ResponsiveContainer>
      )}
    </Figure>
  );
}
