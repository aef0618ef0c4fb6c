import { useId, useState } from 'react';
import { useMethodQuery } from '../../api';
import { Icon } from '../../components/Icon';
import { useDebouncedValue } from '../../components/useDebouncedValue';
import { fileStem } from './editor.format';
import styles from './Editor.module.css';

export interface PickedLora {
  path: string;
  name: string;
}

const SEARCH_DELAY_MS = 200;
const RESULTS = 8;

/** The LoRA to move, found in the Library by name, tag or trigger word. */
export function LoraPicker({
  value,
  onChange,
}: {
  value: PickedLora | null;
  onChange: (lora: PickedLora | null) => void;
}) {
  const id = useId();
  const [searching, setSearching] = useState(value === null);
  const [text, setText] = useState('');
  const query = useDebouncedValue(text.trim(), SEARCH_DELAY_MS);
  const results = useMethodQuery(
    'loras.list',
    { ...(query === '' ? {} : { query }), limit: RESULTS },
    { enabled: searching, placeholderData: (previous) => previous },
  );

  function pick(lora: PickedLora) {
    onChange(lora);
    setSearching(false);
  }

  if (value !== null && !searching) {
    return (
      <section className={styles.setupCard} aria-label="LoRA to edit">
        <div className={styles.setupHead}>
          <span className={styles.setupLabel}>LoRA</span>
          <button
            type="button"
            className="button button--ghost button--small"
            onClick={() => setSearching(true)}
          >
            Change
          </button>
        </div>
        <div className={styles.pickedLora}>
          <span className={styles.pickedIcon} aria-hidden="true">
            <Icon name="file" size={16} />
          </span>
          <div className={styles.pickedText}>
            <strong>{value.name}</strong>
            <code title={value.path}>{value.path}</code>
          </div>
        </div>
      </section>
    );
  }

  const items = results.data?.items ?? [];
  return (
    <section className={styles.setupCard} aria-label="LoRA to edit">
      <div className={styles.setupHead}>
        <label className={styles.setupLabel} htmlFor={id}>
          LoRA
        </label>
        {value !== null ? (
          <button
            type="button"
            className="button button--ghost button--small"
            onClick={() => setSearching(false)}
          >
            Keep {value.name}
          </button>
        ) : null}
      </div>
      <input
        id={id}
        className="input"
        type="search"
        placeholder="Search the Library: name, tag, trigger word"
        value={text}
        onChange={(event) => setText(event.target.value)}
        aria-label="Search LoRAs"
        autoComplete="off"
        spellCheck={false}
      />
      {results.error ? (
        <p className={styles.pickerNote}>The Library could not be searched: {results.error.message}</p>
      ) : items.length === 0 && !results.isPending ? (
        <p className={styles.pickerNote}>
          {query === ''
            ? 'The Library is empty: add and scan a folder in Settings.'
            : `No LoRAs match “${query}”.`}
        </p>
      ) : (
        <ul
          className={`${styles.results} ${results.isPlaceholderData || text.trim() !== query ? styles.stale : ''}`}
          aria-label="Matching LoRAs"
          aria-busy={results.isPlaceholderData || text.trim() !== query}
        >
          {items.map((item) => {
            const name = item.modelName ?? fileStem(item.fileName);
            return (
              <li key={item.id}>
                <button
                  type="button"
                  className={styles.result}
                  aria-label={`Edit ${fileStem(item.fileName)}`}
                  onClick={() => pick({ path: item.path, name: fileStem(item.fileName) })}
                >
                  <span className={styles.resultName}>{name}</span>
                  <span className={styles.resultMeta}>
                    {[fileStem(item.fileName), item.baseModel, ...item.tags.slice(0, 2)]
                      .filter(Boolean)
                      .join(' · ')}
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {results.data && results.data.total > items.length ? (
        <p className={styles.pickerNote}>
          {results.data.total - items.length} more — type to narrow the list.
        </p>
      ) : null}
    </section>
  );
}
