import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useEffectEvent, useId, useRef, useState, type FormEvent } from 'react';
import { useMethodMutation, type Job } from '../../api';
import { ErrorDetail, Notice } from '../../components/Notice';
import { Panel } from '../../components/Panel';
import { JobProgress } from '../../components/JobProgress';
import { useFollowedJob } from '../../components/useFollowedJob';
import { EditorError } from './EditorError';
import {
  layerSetOptions,
  nameProblem,
  parseTags,
  standardizeLabels,
  suggestSpaceName,
  type LayerSetName,
  type StandardizeName,
} from './editor.format';
import choice from '../../components/Choice.module.css';
import styles from './Editor.module.css';

/** Builds a weight space over every SDXL LoRA or those with some tags, as a job followed here and in the tray. */
export function SpaceForm({
  taken,
  onBuilt,
  onCancel,
}: {
  taken: readonly string[];
  onBuilt: (name: string) => void;
  onCancel?: () => void;
}) {
  const id = useId();
  const queryClient = useQueryClient();
  const [name, setName] = useState<string | null>(null);
  const [layers, setLayers] = useState<LayerSetName>('all');
  const [source, setSource] = useState<'all' | 'tags'>('all');
  const [tags, setTags] = useState('');
  const [standardize, setStandardize] = useState<StandardizeName>('zscore');
  const [tried, setTried] = useState(false);
  const build = useMethodMutation('w2w.build', { invalidates: ['jobs.list'] });
  const job = useFollowedJob(build.data);
  const running = job?.state === 'queued' || job?.state === 'running';

  const tagList = source === 'tags' ? parseTags(tags) : [];
  const spaceName = name ?? suggestSpaceName(tagList, layers, taken);
  const problem =
    nameProblem(spaceName, taken) ??
    (source === 'tags' && tagList.length === 0 ? 'Enter at least one tag.' : null);

  // Once per job: the new space becomes the one on screen as soon as the list knows it.
  const finished = job?.state === 'done' ? build.variables?.name : undefined;
  const announced = useRef<number | null>(null);
  const announce = useEffectEvent((name: string) => onBuilt(name));
  useEffect(() => {
    if (finished === undefined || job === undefined || announced.current === job.id) return;
    announced.current = job.id;
    void queryClient.invalidateQueries({ queryKey: ['w2w.list'] }).then(() => announce(finished));
  }, [finished, job, queryClient]);

  function submit(event: FormEvent) {
    event.preventDefault();
    setTried(true);
    if (problem !== null || running || build.isPending) return;
    build.mutate({
      name: spaceName,
      layers,
      standardize,
      ...(source === 'tags' ? { tag: tagList } : { allSdxl: true }),
    });
  }

  function edit(update: () => void) {
    update();
    if (build.isError) build.reset();
  }

  return (
    <Panel
      title="Build a weight space"
      description="Each LoRA becomes one point; PCA finds the axes along which your collection varies. It runs as a job: about a second per LoRA over all SDXL layers, less for attention-only sets."
      actions={
        onCancel ? (
          <button type="button" className="button button--ghost button--small" onClick={onCancel}>
            Close
          </button>
        ) : undefined
      }
    >
      <form className={styles.form} onSubmit={submit} aria-label="Build a weight space" noValidate>
        <fieldset className={styles.fieldset}>
          <legend className="label">LoRAs to include</legend>
          <div className={choice.choices}>
            <label className={choice.choice}>
              <input
                type="radio"
                name={`${id}-source`}
                checked={source === 'all'}
                onChange={() => edit(() => setSource('all'))}
              />
              <span>
                <span className={choice.name}>Every SDXL LoRA</span>
                <span className={choice.hint}>The whole library, one base model</span>
              </span>
            </label>
            <label className={choice.choice}>
              <input
                type="radio"
                name={`${id}-source`}
                checked={source === 'tags'}
                onChange={() => edit(() => setSource('tags'))}
              />
              <span>
                <span className={choice.name}>LoRAs with tags</span>
                <span className={choice.hint}>Civitai tags or your own</span>
              </span>
            </label>
          </div>
          {source === 'tags' ? (
            <div className={styles.inlineField}>
              <label className="label" htmlFor={`${id}-tags`}>
                Tags
              </label>
              <input
                id={`${id}-tags`}
                className="input"
                value={tags}
                placeholder="anime, realistic"
                onChange={(event) => edit(() => setTags(event.target.value))}
                aria-invalid={tried && tagList.length === 0 ? true : undefined}
                autoComplete="off"
              />
              <p className="hint">A LoRA with any of these tags is included. Separate tags with commas.</p>
            </div>
          ) : null}
        </fieldset>
        <div className={styles.formGrid}>
          <div>
            <label className="label" htmlFor={`${id}-name`}>
              Space name
            </label>
            <input
              id={`${id}-name`}
              className="input"
              value={spaceName}
              onChange={(event) => edit(() => setName(event.target.value))}
              aria-invalid={tried && nameProblem(spaceName, taken) !== null ? true : undefined}
              autoComplete="off"
              spellCheck={false}
            />
          </div>
          <div>
            <label className="label" htmlFor={`${id}-layers`}>
              Layer set
            </label>
            <select
              id={`${id}-layers`}
              className="select"
              value={layers}
              onChange={(event) => edit(() => setLayers(event.target.value as LayerSetName))}
            >
              {layerSetOptions.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label className="label" htmlFor={`${id}-standardize`}>
              Standardize
            </label>
            <select
              id={`${id}-standardize`}
              className="select"
              value={standardize}
              onChange={(event) => edit(() => setStandardize(event.target.value as StandardizeName))}
            >
              {(Object.keys(standardizeLabels) as StandardizeName[]).map((entry) => (
                <option key={entry} value={entry}>
                  {standardizeLabels[entry]}
                </option>
              ))}
            </select>
          </div>
        </div>
        {tried && problem !== null ? <p className={styles.fieldError}>{problem}</p> : null}
        {build.error ? <EditorError error={build.error} action="build" /> : null}
        <div className={styles.actions}>
          <button type="submit" className="button button--primary" disabled={running || build.isPending}>
            {running ? 'Building…' : 'Build space'}
          </button>
          <span className="hint">LoRAs are read, never changed. Each is reduced to rank 1 for the map.</span>
        </div>
      </form>
      {job ? <BuildProgress job={job} /> : null}
    </Panel>
  );
}

function BuildProgress({ job }: { job: Job }) {
  switch (job.state) {
    case 'queued':
    case 'running':
      return <JobProgress job={job} label="Build progress" working="Building…" />;
    case 'done':
      return (
        <div className={styles.progress}>
          <Notice tone="success">The space is built.</Notice>
        </div>
      );
    case 'cancelled':
      return (
        <div className={styles.progress}>
          <Notice tone="info">Build cancelled. Nothing was kept.</Notice>
        </div>
      );
    case 'failed':
    case 'interrupted':
      return (
        <div className={styles.progress}>
          <ErrorDetail
            headline="The space was not built"
            message={job.error ?? 'Atelier stopped before the space was written. Start it again.'}
          />
        </div>
      );
  }
}
