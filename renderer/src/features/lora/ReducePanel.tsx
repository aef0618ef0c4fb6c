import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useId, useState, type FormEvent } from 'react';
import {
  isAtelierError,
  ReduceResult,
  useClient,
  useMethodMutation,
  type Job,
  type LoraInspection,
} from '../../api';
import { CopyButton } from '../../components/CopyButton';
import { Icon } from '../../components/Icon';
import { ErrorDetail, ErrorNotice, Notice } from '../../components/Notice';
import { Panel } from '../../components/Panel';
import { JobProgress } from '../../components/JobProgress';
import { useFollowedJob } from '../../components/useFollowedJob';
import { errorField } from './errors';
import { describeRanks, formatBytes, formatCount, formatPercent, plural } from './format';
import {
  fileNameProblem,
  joinPath,
  layerSetHints,
  modulesInLayerSet,
  outputFileName,
  partialLayerSets,
  rankRuleProblem,
  rankRules,
  reduceButtonLabel,
  reduceInput,
  splitPath,
  suggestFileName,
  summarizeReduction,
  type PartialLayerSet,
  type RankRuleName,
  type ReducePlan,
} from './reduce.plan';
import { TypedError } from './TypedError';
import choice from '../../components/Choice.module.css';
import styles from './Reduce.module.css';

const MAX_RANK = 1024;

interface Draft {
  keep: 'all' | 'only';
  only: PartialLayerSet;
  rankMode: 'fixed' | 'dynamic';
  rank: string;
  rule: RankRuleName;
  ruleValue: string;
  maxRank: string;
  /** null follows the source file's folder / the suggested name until the user types their own. */
  folder: string | null;
  name: string | null;
  overwrite: boolean;
}

const initialDraft: Draft = {
  keep: 'all',
  only: 'attn_v',
  rankMode: 'fixed',
  rank: '1',
  rule: 'sv_fro',
  ruleValue: '0.9',
  maxRank: '',
  folder: null,
  name: null,
  overwrite: false,
};

function parseRank(text: string): number | null {
  if (!/^\d+$/.test(text.trim())) return null;
  const rank = Number(text);
  return rank >= 1 && rank <= MAX_RANK ? rank : null;
}

/** The plan the draft describes, or why it cannot be sent. */
function planOf(draft: Draft): { plan: ReducePlan; problem: string | null } {
  const layers = draft.keep === 'all' ? 'all' : draft.only;
  if (draft.rankMode === 'fixed') {
    const rank = parseRank(draft.rank);
    return {
      plan: { layers, rank: rank ?? 1, dynamic: null },
      problem: rank === null ? `Enter a whole rank from 1 to ${MAX_RANK}.` : null,
    };
  }
  const value = Number(draft.ruleValue.trim() === '' ? Number.NaN : draft.ruleValue);
  const maxRank = draft.maxRank.trim() === '' ? null : parseRank(draft.maxRank);
  const problem =
    rankRuleProblem(draft.rule, value) ??
    (draft.maxRank.trim() !== '' && maxRank === null
      ? `Enter a whole maximum rank from 1 to ${MAX_RANK}, or leave it empty.`
      : null);
  return {
    plan: { layers, rank: maxRank, dynamic: { rule: draft.rule, value: Number.isFinite(value) ? value : 0 } },
    problem,
  };
}

export function ReducePanel({ inspection }: { inspection: LoraInspection }) {
  const client = useClient();
  const id = useId();
  const [draft, setDraft] = useState<Draft>(initialDraft);
  const [pickError, setPickError] = useState<unknown>(null);
  const reduce = useMethodMutation('lora.reduce', { invalidates: ['jobs.list'] });
  const job = useFollowedJob(reduce.data);
  const running = job?.state === 'queued' || job?.state === 'running';

  const { plan, problem: planProblem } = planOf(draft);
  const source = splitPath(inspection.path);
  const folder = draft.folder ?? source.folder;
  const name = draft.name ?? suggestFileName(inspection.path, plan);
  const nameProblem = fileNameProblem(name);
  const folderProblem = folder.trim() === '' ? 'Enter the folder to write to.' : null;
  const destination = joinPath(folder, outputFileName(name));
  const kept = modulesInLayerSet(inspection.countsByKind, plan.layers);
  const originalMaxRank = inspection.ranks.reduce((max, entry) => Math.max(max, entry.rank), 0);
  const copiesOnly =
    plan.dynamic === null &&
    plan.layers === 'all' &&
    (plan.rank ?? 1) >= originalMaxRank &&
    originalMaxRank > 0;
  const blocked =
    planProblem ??
    folderProblem ??
    nameProblem ??
    (kept === 0
      ? 'None of this file’s modules are in that layer set.'
      : copiesOnly
        ? `This LoRA is already rank ${originalMaxRank}; choose a lower rank or keep fewer layers.`
        : null);
  const invalidField = isAtelierError(reduce.error) ? errorField(reduce.error.code) : null;

  function update(patch: Partial<Draft>) {
    setDraft((current) => ({ ...current, ...patch }));
    if (reduce.isError) reduce.reset();
  }

  async function pickFolder() {
    if (!client.hostInvoke) return;
    setPickError(null);
    try {
      const picked = await client.hostInvoke('dialog.pickFolder', {
        title: 'Choose where to write the new LoRA',
      });
      if (picked.path !== null) update({ folder: picked.path });
    } catch (error) {
      setPickError(error);
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (blocked !== null || running) return;
    reduce.mutate({ ...reduceInput(inspection.path, plan, folder, name), overwrite: draft.overwrite });
  }

  return (
    <Panel
      title="Make a smaller LoRA"
      description="Writes a new file with fewer components, found by SVD. The original is never changed."
    >
      <form className={styles.form} onSubmit={submit} aria-label="Reduce">
        <fieldset className={styles.fieldset}>
          <legend className="label">Layers</legend>
          <div className={choice.choices}>
            <label className={choice.choice}>
              <input
                type="radio"
                name={`${id}-keep`}
                checked={draft.keep === 'all'}
                onChange={() => update({ keep: 'all' })}
              />
              <span>
                <span className={choice.name}>All layers</span>
                <span className={choice.hint}>{plural(inspection.moduleCount, 'module')}</span>
              </span>
            </label>
            <label className={choice.choice}>
              <input
                type="radio"
                name={`${id}-keep`}
                checked={draft.keep === 'only'}
                onChange={() => update({ keep: 'only' })}
              />
              <span>
                <span className={choice.name}>Keep only…</span>
                <span className={choice.hint}>Drop every other layer</span>
              </span>
            </label>
            <select
              className={`select ${styles.onlySelect}`}
              aria-label="Layers to keep"
              value={draft.only}
              onChange={(event) => update({ keep: 'only', only: event.target.value as PartialLayerSet })}
            >
              {partialLayerSets.map((set) => (
                <option key={set} value={set}>
                  {`${set} — ${formatCount(modulesInLayerSet(inspection.countsByKind, set))} modules`}
                </option>
              ))}
            </select>
          </div>
          <p className="hint">
            {draft.keep === 'all'
              ? 'Every module is kept and reduced.'
              : `Keeps the ${layerSetHints[draft.only]} (${plural(kept, 'module')}); the other layers are left out of the new file.`}
          </p>
        </fieldset>

        <details className={styles.advanced}>
          <summary>Advanced: rank and dynamic rules</summary>
          <div className={styles.advancedBody}>
            <div className={styles.rankModes}>
              <label className={styles.inlineChoice}>
                <input
                  type="radio"
                  name={`${id}-rank-mode`}
                  checked={draft.rankMode === 'fixed'}
                  onChange={() => update({ rankMode: 'fixed' })}
                />
                Fixed rank
              </label>
              <label className={styles.inlineChoice}>
                <input
                  type="radio"
                  name={`${id}-rank-mode`}
                  checked={draft.rankMode === 'dynamic'}
                  onChange={() => update({ rankMode: 'dynamic' })}
                />
                Dynamic, per module
              </label>
            </div>
            {draft.rankMode === 'fixed' ? (
              <div className={styles.fieldRow}>
                <div className={styles.narrowField}>
                  <label className="label" htmlFor={`${id}-rank`}>
                    Rank
                  </label>
                  <input
                    id={`${id}-rank`}
                    className="input"
                    inputMode="numeric"
                    value={draft.rank}
                    onChange={(event) => update({ rank: event.target.value })}
                    aria-invalid={planProblem ? true : undefined}
                  />
                </div>
                <p className="hint">
                  {(parseRank(draft.rank) ?? 0) >= originalMaxRank
                    ? `This LoRA is rank ${originalMaxRank}; a rank this high keeps every component.`
                    : 'Rank 1 keeps the strongest direction of each layer: the smallest file, usually close in effect.'}
                </p>
              </div>
            ) : (
              <div className={styles.fieldRow}>
                <div className={styles.ruleField}>
                  <label className="label" htmlFor={`${id}-rule`}>
                    Rule
                  </label>
                  <select
                    id={`${id}-rule`}
                    className="select"
                    value={draft.rule}
                    onChange={(event) => update({ rule: event.target.value as RankRuleName })}
                  >
                    {(Object.keys(rankRules) as RankRuleName[]).map((rule) => (
                      <option key={rule} value={rule}>
                        {rankRules[rule].label}
                      </option>
                    ))}
                  </select>
                </div>
                <div className={styles.narrowField}>
                  <label className="label" htmlFor={`${id}-value`}>
                    Value
                  </label>
                  <input
                    id={`${id}-value`}
                    className="input"
                    inputMode="decimal"
                    value={draft.ruleValue}
                    onChange={(event) => update({ ruleValue: event.target.value })}
                    aria-invalid={planProblem ? true : undefined}
                  />
                </div>
                <div className={styles.narrowField}>
                  <label className="label" htmlFor={`${id}-max`}>
                    Max rank
                  </label>
                  <input
                    id={`${id}-max`}
                    className="input"
                    inputMode="numeric"
                    placeholder="none"
                    value={draft.maxRank}
                    onChange={(event) => update({ maxRank: event.target.value })}
                  />
                </div>
                <p className={`hint ${styles.full}`}>{rankRules[draft.rule].hint}</p>
              </div>
            )}
            {planProblem ? <p className={styles.fieldError}>{planProblem}</p> : null}
          </div>
        </details>

        <div className={styles.output}>
          <div>
            <label className="label" htmlFor={`${id}-folder`}>
              Folder
            </label>
            <div className={styles.pathRow}>
              <input
                id={`${id}-folder`}
                className="input mono"
                value={folder}
                onChange={(event) => update({ folder: event.target.value })}
                spellCheck={false}
                autoComplete="off"
                aria-invalid={invalidField === 'folder' || folderProblem ? true : undefined}
              />
              {client.hostInvoke ? (
                <button type="button" className="button" onClick={() => void pickFolder()}>
                  Choose folder…
                </button>
              ) : null}
            </div>
          </div>
          <div>
            <label className="label" htmlFor={`${id}-name`}>
              File name
            </label>
            <div className={styles.pathRow}>
              <input
                id={`${id}-name`}
                className="input mono"
                value={name}
                onChange={(event) => update({ name: event.target.value })}
                spellCheck={false}
                autoComplete="off"
                aria-invalid={invalidField === 'name' || nameProblem ? true : undefined}
                aria-describedby={`${id}-destination`}
              />
              {draft.name !== null ? (
                <button type="button" className="button button--ghost" onClick={() => update({ name: null })}>
                  Use suggested name
                </button>
              ) : null}
            </div>
          </div>
          <p id={`${id}-destination`} className="hint">
            {nameProblem ?? folderProblem ?? (
              <>
                Writes <code className={styles.destination}>{destination}</code>
              </>
            )}
          </p>
          <label className={styles.overwrite}>
            <input
              type="checkbox"
              checked={draft.overwrite}
              onChange={(event) => update({ overwrite: event.target.checked })}
            />
            Replace a file with this name if there is one
          </label>
        </div>

        {pickError ? <ErrorNotice error={pickError} /> : null}
        {reduce.error ? <TypedError error={reduce.error} context="reduce" /> : null}

        <div className={styles.actions}>
          <button
            type="submit"
            className="button button--primary"
            disabled={blocked !== null || running || reduce.isPending}
          >
            {reduceButtonLabel(plan)}
          </button>
          <span className="hint">{blocked ?? `${plural(kept, 'module')} into a new kohya LoRA.`}</span>
        </div>
      </form>

      {job ? <ReduceOutcome job={job} /> : null}
    </Panel>
  );
}

function ReduceOutcome({ job }: { job: Job }) {
  switch (job.state) {
    case 'queued':
    case 'running':
      return <JobProgress job={job} label="Reduction progress" working="Reducing…" />;
    case 'done':
      return <ReduceDone job={job} />;
    case 'cancelled':
      return (
        <div className={styles.outcome}>
          <Notice tone="info">Reduction cancelled. No new file was kept.</Notice>
        </div>
      );
    case 'failed':
    case 'interrupted':
      return (
        <div className={styles.outcome}>
          <ErrorDetail
            headline="The reduction did not finish"
            message={job.error ?? 'Atelier stopped before the new file was written. Start it again.'}
          />
        </div>
      );
  }
}

function ReduceDone({ job }: { job: Job }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const parsed = ReduceResult.safeParse(job.result);
  if (!parsed.success) {
    return (
      <div className={styles.outcome}>
        <Notice tone="success">The new LoRA was written.</Notice>
      </div>
    );
  }
  const result = parsed.data;
  const summary = summarizeReduction(result);
  const ranks = summary.ranks.length > 0 ? describeRanks(summary.ranks) : null;

  function open() {
    // A file of that name may have been opened before it was replaced on disk.
    for (const method of ['lora.inspect', 'lora.hash', 'lora.spectra'] as const)
      queryClient.removeQueries({ queryKey: [method, { path: result.destination }] });
    void navigate({ to: '/library/lora', search: { path: result.destination } });
  }

  return (
    <section className={styles.result} aria-label="New LoRA">
      <div className={styles.resultHead}>
        <span className={styles.resultIcon} aria-hidden="true">
          <Icon name="check" size={16} />
        </span>
        <div className={styles.resultTitle}>
          <h3>{splitPath(result.destination).name}</h3>
          <span className={styles.resultPath}>
            <code>{result.destination}</code>
            <CopyButton text={result.destination} label="path of the new file" />
          </span>
        </div>
        <button type="button" className="button button--primary" onClick={open}>
          Open the new file
        </button>
      </div>
      <dl className={styles.resultFacts}>
        <div>
          <dt>Modules kept</dt>
          <dd>
            {formatCount(summary.kept)}
            {ranks ? <span className={styles.faint}> at {ranks}</span> : null}
          </dd>
        </div>
        <div>
          <dt>Median energy kept</dt>
          <dd title="‖kept‖ / ‖ΔW‖ per module (Frobenius norm), median over the modules kept">
            {summary.medianEnergyKept === null ? '—' : formatPercent(summary.medianEnergyKept)}
          </dd>
        </div>
        {summary.outsideLayers !== null && summary.outsideLayers > 0 ? (
          <div>
            <dt>Other layers left out</dt>
            <dd>{plural(summary.outsideLayers, 'module')}</dd>
          </div>
        ) : null}
        {summary.skipped > 0 ? (
          <div>
            <dt>Skipped</dt>
            <dd>{plural(summary.skipped, 'module')}</dd>
          </div>
        ) : null}
        {summary.bytes ? (
          <div>
            <dt>File size</dt>
            <dd>
              {formatBytes(summary.bytes.output)}
              <span className={styles.faint}> from {formatBytes(summary.bytes.source)}</span>
            </dd>
          </div>
        ) : null}
        <div>
          <dt>AutoV2</dt>
          <dd className={styles.hashCell}>
            <code>{result.hashes.autoV2}</code>
            <CopyButton text={result.hashes.autoV2} label="AutoV2 of the new file" />
          </dd>
        </div>
        {result.hashes.autoV3 ? (
          <div>
            <dt>AutoV3</dt>
            <dd className={styles.hashCell}>
              <code>{result.hashes.autoV3}</code>
              <CopyButton text={result.hashes.autoV3} label="AutoV3 of the new file" />
            </dd>
          </div>
        ) : null}
      </dl>
      {summary.skippedReasons.length > 0 ? (
        <details className={styles.skipped}>
          <summary>Why modules were skipped</summary>
          <ul>
            {summary.skippedReasons.map((entry) => (
              <li key={entry.reason}>
                <span className={styles.skippedCount}>{formatCount(entry.modules)}</span> {entry.reason}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}
