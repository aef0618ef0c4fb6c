import { useId, useState, type FormEvent } from 'react';
import {
  useClient,
  useMethodMutation,
  useMethodQuery,
  type FolderDetection,
  type FolderKind,
} from '../../api';
import { ErrorNotice, Notice } from '../../components/Notice';
import { useDebouncedValue } from '../../components/useDebouncedValue';
import { describeDetection, kindLabels, kindOrder } from './folders';
import styles from './Settings.module.css';

const DETECT_DELAY_MS = 300;

export function AddFolderForm() {
  const client = useClient();
  const pathId = useId();
  const [path, setPath] = useState('');
  // null follows what detection suggests; a click on a kind overrides it until the path changes.
  const [chosenKind, setChosenKind] = useState<FolderKind | null>(null);
  const [pickError, setPickError] = useState<unknown>(null);
  const trimmed = path.trim();
  const settled = useDebouncedValue(trimmed, DETECT_DELAY_MS);
  const detection = useMethodQuery(
    'folders.detect',
    { path: settled },
    { enabled: settled !== '', retry: false, staleTime: 2000 },
  );
  const add = useMethodMutation('folders.add', {
    invalidates: ['folders.list', 'folders.detect'],
    onSuccess: () => changePath(''),
  });

  const detected = settled === trimmed ? detection.data : undefined;
  const kind = chosenKind ?? detected?.suggestedKind ?? 'loras';

  function changePath(next: string) {
    setPath(next);
    setChosenKind(null);
    setPickError(null);
    add.reset();
  }

  async function pick() {
    if (!client.hostInvoke) return;
    try {
      const picked = await client.hostInvoke('dialog.pickFolder', {
        title: 'Choose a ComfyUI install, or a folder of LoRAs or images',
      });
      if (picked.path !== null) changePath(picked.path);
    } catch (error) {
      setPickError(error);
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (trimmed === '') return;
    add.mutate({ path: trimmed, kind });
  }

  return (
    <form className={styles.addForm} onSubmit={submit}>
      <div>
        <label className="label" htmlFor={pathId}>
          Add a folder
        </label>
        <div className={styles.pathRow}>
          <input
            id={pathId}
            className="input mono"
            value={path}
            onChange={(event) => changePath(event.target.value)}
            placeholder={
              client.mode === 'electron'
                ? 'Choose a folder, or paste its path'
                : 'Paste a folder path, e.g. /home/you/ComfyUI'
            }
            spellCheck={false}
            autoComplete="off"
            aria-invalid={add.error ? true : undefined}
            aria-describedby={`${pathId}-status`}
          />
          {client.hostInvoke ? (
            <button type="button" className="button" onClick={() => void pick()}>
              Choose folder…
            </button>
          ) : null}
        </div>
      </div>
      <div id={`${pathId}-status`} className={styles.detection} aria-live="polite">
        {add.error ? (
          <ErrorNotice error={add.error} />
        ) : (
          <DetectionStatus
            typed={trimmed}
            settled={settled}
            detection={detected}
            error={detection.error}
            fetching={detection.isFetching}
          />
        )}
      </div>
      <fieldset className={styles.kinds}>
        <legend className="label">What it holds</legend>
        {kindOrder.map((option) => (
          <label key={option} className={styles.kind}>
            <input
              type="radio"
              name="kind"
              value={option}
              checked={kind === option}
              onChange={() => setChosenKind(option)}
              aria-label={kindLabels[option].one}
              aria-describedby={`${pathId}-${option}`}
            />
            <span className={styles.kindName} aria-hidden="true">
              {kindLabels[option].one}
            </span>
            <span id={`${pathId}-${option}`} className={styles.kindHint}>
              {kindLabels[option].hint}
            </span>
          </label>
        ))}
      </fieldset>
      {pickError ? <ErrorNotice error={pickError} /> : null}
      <div className={styles.actions}>
        <button type="submit" className="button button--primary" disabled={trimmed === '' || add.isPending}>
          {add.isPending ? 'Adding…' : 'Add'}
        </button>
        <span className="hint">Atelier only reads these folders; nothing in them is moved or changed.</span>
      </div>
    </form>
  );
}

function DetectionStatus(props: {
  typed: string;
  settled: string;
  detection: FolderDetection | undefined;
  error: unknown;
  fetching: boolean;
}) {
  if (props.typed === '') return <p className="hint">Atelier tells you what it finds there as you type.</p>;
  if (props.typed !== props.settled || (props.fetching && !props.detection))
    return <p className={styles.checking}>Checking…</p>;
  if (props.error) return <ErrorNotice error={props.error} />;
  if (!props.detection) return null;
  const { tone, text } = describeDetection(props.detection);
  return <Notice tone={tone}>{text}</Notice>;
}
