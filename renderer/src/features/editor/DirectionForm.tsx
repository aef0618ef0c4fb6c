import { useId, useState, type FormEvent } from 'react';
import { useMethodMutation } from '../../api';
import { Notice } from '../../components/Notice';
import { Panel } from '../../components/Panel';
import { EditorError } from './EditorError';
import {
  formatPercent,
  methodLabels,
  nameProblem,
  parseTags,
  type DirectionMethodName,
} from './editor.format';
import styles from './Editor.module.css';

const METHODS = Object.keys(methodLabels) as DirectionMethodName[];

/** Learns a direction from labels: LoRAs tagged one way against the rest (or against other tags). */
export function DirectionForm({
  space,
  existing,
  onLearned,
}: {
  space: string;
  existing: readonly string[];
  onLearned: (name: string) => void;
}) {
  const id = useId();
  const [name, setName] = useState('');
  const [positive, setPositive] = useState('');
  const [negative, setNegative] = useState('@rest');
  const [method, setMethod] = useState<DirectionMethodName>('logistic');
  const [debias, setDebias] = useState<string[]>([]);
  const [tried, setTried] = useState(false);
  const learn = useMethodMutation('w2w.direction', {
    invalidates: ['w2w.info', 'w2w.list', 'w2w.project'],
    onSuccess: (direction) => {
      // Ready for the next one: the learned direction's name is taken now.
      setName('');
      setPositive('');
      setNegative('@rest');
      setDebias([]);
      setTried(false);
      onLearned(direction.name);
    },
  });

  const trimmed = name.trim();
  const positives = parseTags(positive);
  const negatives = parseTags(negative);
  const problem =
    nameProblem(trimmed, existing) ??
    (positives.length === 0 ? 'Enter at least one positive tag.' : null) ??
    (negatives.length === 0 ? 'Enter a negative tag, or @rest for every other LoRA.' : null);

  function submit(event: FormEvent) {
    event.preventDefault();
    setTried(true);
    if (problem !== null || learn.isPending) return;
    learn.mutate({
      space,
      name: trimmed,
      positive: positives,
      negative: negatives,
      method,
      debias: debias.filter((entry) => existing.includes(entry)),
    });
  }

  function edit(update: () => void) {
    update();
    if (learn.isError) learn.reset();
  }

  const learned = learn.data;
  return (
    <Panel
      title="Learn a direction"
      description="Label LoRAs by tag: the direction is what separates the positive ones from the negative ones."
    >
      <form className={styles.form} onSubmit={submit} aria-label="Learn a direction" noValidate>
        <div className={styles.formGrid}>
          <div>
            <label className="label" htmlFor={`${id}-name`}>
              Direction name
            </label>
            <input
              id={`${id}-name`}
              className="input"
              value={name}
              placeholder="anime"
              onChange={(event) => edit(() => setName(event.target.value))}
              aria-invalid={tried && nameProblem(trimmed, existing) !== null ? true : undefined}
              autoComplete="off"
              spellCheck={false}
            />
          </div>
          <div>
            <label className="label" htmlFor={`${id}-method`}>
              Method
            </label>
            <select
              id={`${id}-method`}
              className="select"
              value={method}
              onChange={(event) => edit(() => setMethod(event.target.value as DirectionMethodName))}
            >
              {METHODS.map((entry) => (
                <option key={entry} value={entry}>
                  {methodLabels[entry]}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label className="label" htmlFor={`${id}-positive`}>
              Positive tags
            </label>
            <input
              id={`${id}-positive`}
              className="input"
              value={positive}
              placeholder="anime, cel shading"
              onChange={(event) => edit(() => setPositive(event.target.value))}
              aria-invalid={tried && positives.length === 0 ? true : undefined}
              aria-describedby={`${id}-labels-hint`}
              autoComplete="off"
            />
          </div>
          <div>
            <label className="label" htmlFor={`${id}-negative`}>
              Negative tags
            </label>
            <input
              id={`${id}-negative`}
              className="input"
              value={negative}
              onChange={(event) => edit(() => setNegative(event.target.value))}
              aria-invalid={tried && negatives.length === 0 ? true : undefined}
              aria-describedby={`${id}-labels-hint`}
              autoComplete="off"
            />
          </div>
        </div>
        <p id={`${id}-labels-hint`} className="hint">
          Separate tags with commas. <code>@rest</code> is every member not labeled positive;{' '}
          <code>@liked</code> the LoRAs you generated with or reacted to.
        </p>
        {existing.length > 0 ? (
          <fieldset className={styles.fieldset}>
            <legend className="label">Debias: remove these directions from the new one</legend>
            <div className={styles.chips}>
              {existing.map((entry) => (
                <label key={entry} className={styles.chip}>
                  <input
                    type="checkbox"
                    checked={debias.includes(entry)}
                    onChange={(event) =>
                      edit(() =>
                        setDebias((current) =>
                          event.target.checked
                            ? [...current, entry]
                            : current.filter((other) => other !== entry),
                        ),
                      )
                    }
                  />
                  {entry}
                </label>
              ))}
            </div>
          </fieldset>
        ) : null}
        {tried && problem !== null ? <p className={styles.fieldError}>{problem}</p> : null}
        {learn.error ? <EditorError error={learn.error} action="direction" /> : null}
        <div className={styles.actions}>
          <button type="submit" className="button button--primary" disabled={learn.isPending}>
            {learn.isPending ? 'Learning…' : 'Learn direction'}
          </button>
        </div>
        {learned ? (
          <Notice tone="success">
            Learned <strong>{learned.name}</strong>:{' '}
            {learned.accuracy === null
              ? 'too few labeled LoRAs to cross-validate its accuracy'
              : `${formatPercent(learned.accuracy)} cross-validated accuracy over ${learned.folds} folds`}
            , from {learned.positiveCount} positive and {learned.negativeCount} negative LoRAs. Its slider is
            ready above.
          </Notice>
        ) : null}
      </form>
    </Panel>
  );
}
