import { useId } from 'react';
import { Icon } from '../../components/Icon';
import { formatPercent, plural, type SpaceSummary } from './editor.format';
import styles from './Editor.module.css';

/** Which weight space the sliders live in, with what it was built from at a glance. */
export function SpacePicker({
  spaces,
  value,
  onChange,
  creating,
  onCreate,
}: {
  spaces: readonly SpaceSummary[];
  value: string;
  onChange: (name: string) => void;
  creating: boolean;
  onCreate: () => void;
}) {
  const id = useId();
  const space = spaces.find((entry) => entry.name === value);
  return (
    <section className={styles.setupCard} aria-label="Weight space">
      <div className={styles.setupHead}>
        <label className={styles.setupLabel} htmlFor={id}>
          Space
        </label>
        <button
          type="button"
          className="button button--ghost button--small"
          aria-expanded={creating}
          onClick={onCreate}
        >
          <Icon name="plus" size={14} />
          New space
        </button>
      </div>
      <select id={id} className="select" value={value} onChange={(event) => onChange(event.target.value)}>
        {spaces.map((entry) => (
          <option key={entry.name} value={entry.name}>
            {entry.name}
          </option>
        ))}
      </select>
      {space ? (
        <ul className={styles.facts} aria-label="Space summary">
          <li>{plural(space.memberCount, 'LoRA')}</li>
          <li>{plural(space.components, 'component')}</li>
          <li title="Share of the collection's variance the kept components explain">
            {formatPercent(space.explainedVariance)} explained
          </li>
          <li>{space.layers === 'all' ? 'all layers' : space.layers}</li>
          <li>{plural(space.directionCount, 'direction')}</li>
        </ul>
      ) : null}
    </section>
  );
}
