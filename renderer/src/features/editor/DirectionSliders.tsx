import { useId, type CSSProperties } from 'react';
import { Icon } from '../../components/Icon';
import {
  formatNumber,
  formatPercent,
  formatStrength,
  sliderRange,
  type Direction,
  type Readout,
} from './editor.format';
import styles from './Editor.module.css';

interface SlidersProps {
  directions: readonly Direction[];
  chosen: readonly string[];
  strengths: Readonly<Record<string, number>>;
  raw: boolean;
  readouts: ReadonlyMap<string, Readout>;
  onStrength: (direction: string, value: number) => void;
  onToggle: (direction: string) => void;
  onFlip: (direction: string) => void;
  onRaw: (raw: boolean) => void;
}

/** Which directions get a slider, then one slider per direction with what the engine reads back. */
export function DirectionSliders(props: SlidersProps) {
  const { directions, chosen, raw, onToggle, onRaw } = props;
  return (
    <div className={styles.sliders}>
      <div className={styles.sliderTop}>
        <fieldset className={styles.chooser}>
          <legend className={styles.miniLabel}>Directions to edit along</legend>
          <div className={styles.chips}>
            {directions.map((direction) => (
              <label key={direction.name} className={styles.chip}>
                <input
                  type="checkbox"
                  checked={chosen.includes(direction.name)}
                  onChange={() => onToggle(direction.name)}
                />
                {direction.name}
              </label>
            ))}
          </div>
        </fieldset>
        <label
          className={styles.switch}
          title="Strengths in the direction's own units instead of standard deviations"
        >
          <input
            type="checkbox"
            role="switch"
            checked={raw}
            onChange={(event) => onRaw(event.target.checked)}
          />
          <span className={styles.switchTrack} aria-hidden="true" />
          Raw units
        </label>
      </div>
      {chosen.length === 0 ? (
        <p className={styles.quiet}>Tick a direction above to get its slider.</p>
      ) : (
        <ul className={styles.sliderList} aria-label="Strengths">
          {chosen.map((name) => {
            const direction = directions.find((entry) => entry.name === name);
            return direction ? <SliderRow key={name} direction={direction} {...props} /> : null;
          })}
        </ul>
      )}
    </div>
  );
}

function SliderRow({
  direction,
  strengths,
  raw,
  readouts,
  onStrength,
  onFlip,
  onToggle,
}: SlidersProps & { direction: Direction }) {
  const id = useId();
  const { name } = direction;
  const value = strengths[name] ?? 0;
  const range = sliderRange(raw, direction.unit);
  const readout = readouts.get(name);
  // Where 0 sits on the track, for the centre tick and the fill from it.
  const zero = ((0 - range.min) / (range.max - range.min)) * 100;
  const at = ((value - range.min) / (range.max - range.min)) * 100;
  return (
    <li className={styles.sliderRow} aria-label={name}>
      <div className={styles.sliderHead}>
        <label htmlFor={id} className={styles.sliderName}>
          {name}
        </label>
        <output className={styles.strength} htmlFor={id} aria-label={`${name} strength value`}>
          {formatStrength(value, raw)}
        </output>
        <div className={styles.sliderActions}>
          <button
            type="button"
            className={styles.iconButton}
            onClick={() => onFlip(name)}
            disabled={value === 0}
            aria-label={`Flip ${name}`}
            title="Flip: the same strength the other way"
          >
            <span aria-hidden="true">⇄</span>
          </button>
          <button
            type="button"
            className={styles.iconButton}
            onClick={() => onToggle(name)}
            aria-label={`Remove ${name} slider`}
            title="Remove this slider"
          >
            <Icon name="close" size={14} />
          </button>
        </div>
      </div>
      <div className={styles.track} style={{ '--zero': zero, '--at': at } as CSSProperties}>
        <span className={styles.trackRail} aria-hidden="true" />
        <span className={styles.trackFill} aria-hidden="true" />
        <span className={styles.trackZero} aria-hidden="true" />
        <input
          id={id}
          type="range"
          className={styles.range}
          min={range.min}
          max={range.max}
          step={range.step}
          value={value}
          onChange={(event) => onStrength(name, Number(event.target.value))}
          aria-label={`${name} strength`}
          aria-valuetext={formatStrength(value, raw)}
        />
      </div>
      <div className={styles.trackScale} aria-hidden="true">
        <span>{raw ? formatNumber(range.min) : '−3σ'}</span>
        <span>0</span>
        <span>{raw ? formatNumber(range.max) : '+3σ'}</span>
      </div>
      <Readouts name={name} readout={readout} />
    </li>
  );
}

function Readouts({ name, readout }: { name: string; readout: Readout | undefined }) {
  const probability = readout?.probability;
  return (
    <dl className={styles.readouts} aria-label={`${name} read-outs`}>
      <div>
        <dt>Coefficient</dt>
        <dd data-readout="coefficient">{readout ? formatNumber(readout.coefficient) : '—'}</dd>
      </div>
      <div className={styles.probability}>
        <dt>P({name})</dt>
        <dd>
          <span
            className={styles.meter}
            role="meter"
            aria-label={`${name} probability`}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={probability === undefined ? undefined : Math.round(probability * 1000) / 10}
          >
            <span className={styles.meterFill} style={{ width: `${(probability ?? 0) * 100}%` }} />
          </span>
          <span data-readout="probability">
            {probability === undefined ? '—' : formatPercent(probability)}
          </span>
        </dd>
      </div>
      <div>
        <dt title="Share of the collection whose coefficient lies beyond this point, on the side it moves to">
          Beyond
        </dt>
        <dd data-readout="beyond">{readout ? `${formatPercent(readout.beyond)} of LoRAs` : '—'}</dd>
      </div>
    </dl>
  );
}
