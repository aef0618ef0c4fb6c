import { useState } from 'react';
import { useMethodMutation } from '../../api';
import { Panel } from '../../components/Panel';
import { EditorError } from './EditorError';
import { formatNumber, formatPercent, plural, standardizeLabels, type SpaceInfo } from './editor.format';
import styles from './Editor.module.css';

/** What the space is made of and how well it rebuilds its members; deleting it lives here too. */
export function SpaceDetails({ info, onRemoved }: { info: SpaceInfo; onRemoved: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const remove = useMethodMutation('w2w.remove', {
    invalidates: ['w2w.list'],
    onSuccess: () => onRemoved(),
  });
  return (
    <Panel
      title="About this space"
      description="How the map was made and how faithfully it holds your LoRAs."
    >
      <dl className={styles.details}>
        <div>
          <dt>Members</dt>
          <dd>{plural(info.memberCount, 'LoRA')}</dd>
        </div>
        <div>
          <dt>Components kept</dt>
          <dd>
            {formatNumber(info.components)}
            <span className={styles.faint}> · {formatPercent(info.explainedVariance)} of the variance</span>
          </dd>
        </div>
        <div>
          <dt>Layers</dt>
          <dd>
            {info.layers} <span className={styles.faint}>· {plural(info.moduleCount, 'module')}</span>
          </dd>
        </div>
        <div>
          <dt>Standardized</dt>
          <dd>{standardizeLabels[info.standardize]}</dd>
        </div>
        <div>
          <dt>Parameters per LoRA</dt>
          <dd>{formatNumber(info.dimension)}</dd>
        </div>
        <div>
          <dt>Rebuild error</dt>
          <dd>
            {formatPercent(info.reconstruction.mean)} mean
            <span className={styles.faint}> · {formatPercent(info.reconstruction.max)} worst</span>
          </dd>
        </div>
      </dl>
      <div className={styles.dangerRow}>
        {confirming ? (
          <>
            <span className="hint">Delete {info.name} and its directions? LoRA files are not touched.</span>
            <button
              type="button"
              className="button button--small button--danger"
              disabled={remove.isPending}
              onClick={() => remove.mutate({ space: info.name })}
            >
              Delete {info.name}
            </button>
            <button
              type="button"
              className="button button--small button--ghost"
              onClick={() => setConfirming(false)}
            >
              Keep it
            </button>
          </>
        ) : (
          <button
            type="button"
            className="button button--small button--ghost"
            onClick={() => setConfirming(true)}
          >
            Delete this space…
          </button>
        )}
      </div>
      {remove.error ? <EditorError error={remove.error} action="remove" /> : null}
    </Panel>
  );
}
