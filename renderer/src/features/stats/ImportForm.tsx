import { useId, useState, type FormEvent } from 'react';
import { useClient, useMethodMutation, type Job, type MethodInput } from '../../api';
import { InlineCode } from '../../components/InlineCode';
import { ErrorNotice, Notice } from '../../components/Notice';
import { useFollowedJob } from '../../components/useFollowedJob';
import styles from './Stats.module.css';

type Format = NonNullable<MethodInput<'import.imagegem'>['format']>;
const FORMATS: { value: Format; label: string }[] = [
  { value: 'auto', label: 'Tell from the file name' },
  { value: 'parquet', label: 'Parquet' },
  { value: 'csv', label: 'CSV' },
  { value: 'jsonl', label: 'JSON Lines' },
];

/** Starts `import.imagegem` with the two table paths; progress shows in the Jobs tray. */
export function ImportForm() {
  const client = useClient();
  const formatId = useId();
  const [images, setImages] = useState('');
  const [models, setModels] = useState('');
  const [format, setFormat] = useState<Format>('auto');
  const [pickError, setPickError] = useState<unknown>(null);
  const start = useMethodMutation('import.imagegem', { invalidates: ['jobs.list'] });
  const job = useFollowedJob(start.data);
  const running = job?.state === 'queued' || job?.state === 'running';
  const ready = images.trim() !== '' || models.trim() !== '';

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!ready) return;
    start.mutate({
      ...(images.trim() !== '' ? { images: images.trim() } : {}),
      ...(models.trim() !== '' ? { models: models.trim() } : {}),
      format,
    });
  }

  async function pick(set: (path: string) => void, title: string) {
    if (!client.hostInvoke) return;
    try {
      const picked = await client.hostInvoke('dialog.pickFile', {
        title,
        extensions: ['parquet', 'csv', 'jsonl', 'json'],
      });
      if (picked.path !== null) set(picked.path);
    } catch (error) {
      setPickError(error);
    }
  }

  const placeholder = (name: string) =>
    client.mode === 'electron' ? `Choose the ${name} table, or paste its path` : `/path/to/${name}.parquet`;

  return (
    <form className={styles.importForm} onSubmit={submit} aria-label="Import ImageGem tables">
      <div className={styles.fields}>
        <TablePathField
          label="Images table"
          value={images}
          onChange={setImages}
          placeholder={placeholder('images')}
          onPick={
            client.hostInvoke ? () => void pick(setImages, 'Choose the ImageGem images table') : undefined
          }
        />
        <TablePathField
          label="Models table"
          value={models}
          onChange={setModels}
          placeholder={placeholder('models')}
          onPick={
            client.hostInvoke ? () => void pick(setModels, 'Choose the ImageGem models table') : undefined
          }
        />
        <div className={styles.formatField}>
          <label className="label" htmlFor={formatId}>
            Format
          </label>
          <select
            id={formatId}
            className="select"
            value={format}
            onChange={(event) =>
              setFormat(FORMATS.find((f) => f.value === event.target.value)?.value ?? 'auto')
            }
          >
            {FORMATS.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className={styles.actions}>
        <button
          type="submit"
          className="button button--primary"
          disabled={!ready || start.isPending || running}
        >
          {running ? 'Importing…' : 'Import'}
        </button>
        <span className="hint">
          Either table alone is fine. Importing again resumes where it stopped and adds nothing twice.
        </span>
      </div>
      {pickError ? <ErrorNotice error={pickError} /> : null}
      {start.error ? <ErrorNotice error={start.error} /> : null}
      {job ? <ImportOutcome job={job} /> : null}
    </form>
  );
}

function ImportOutcome({ job }: { job: Job }) {
  switch (job.state) {
    case 'queued':
    case 'running':
      return (
        <Notice tone="info">
          Importing. Progress shows in the Jobs tray; the figures fill in when it is done.
        </Notice>
      );
    case 'done':
      return <Notice tone="success">Imported. The figures below show the loaded data.</Notice>;
    case 'cancelled':
      return <Notice tone="info">Import stopped. Start it again to resume where it left off.</Notice>;
    case 'failed':
    case 'interrupted':
      return (
        <Notice tone="error">
          <InlineCode text={job.error ?? 'The import did not finish. Start it again to resume.'} />
        </Notice>
      );
  }
}

interface TablePathFieldProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  placeholder: string;
  /** The native picker, offered only in the desktop app. */
  onPick: (() => void) | undefined;
}

function TablePathField({ label, value, onChange, placeholder, onPick }: TablePathFieldProps) {
  const id = useId();
  return (
    <div>
      <label className="label" htmlFor={id}>
        {label}
      </label>
      <div className={styles.pathRow}>
        <input
          id={id}
          className="input mono"
          value={value}
          onChange={(event) => onChange(event.target.value)}
          placeholder={placeholder}
          spellCheck={false}
          autoComplete="off"
        />
        {onPick ? (
          <button type="button" className="button" onClick={onPick}>
            Choose…
          </button>
        ) : null}
      </div>
    </div>
  );
}
