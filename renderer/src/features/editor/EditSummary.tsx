import { useMethodMutation } from '../../api';
import { Icon } from '../../components/Icon';
import { EditorError } from './EditorError';
import { formatMs, formatNumber, formatPercent, type Preview } from './editor.format';
import { ExportToast } from './ExportToast';
import type { PickedLora } from './LoraPicker';
import styles from './Editor.module.css';

/** How far the edit has moved the LoRA, and the buttons that act on the whole edit. */
export function EditSummary({
  space,
  lora,
  preview,
  busy,
  directions,
  raw,
  anyStrength,
  onReset,
}: {
  space: string;
  lora: PickedLora;
  preview: Preview | undefined;
  busy: boolean;
  directions: { direction: string; strength: number }[];
  raw: boolean;
  anyStrength: boolean;
  onReset: () => void;
}) {
  const exporter = useMethodMutation('w2w.edit', { invalidates: ['loras.list'] });

  function exportEdit() {
    exporter.mutate({ space, lora: lora.path, directions, raw, name: `${lora.name}-w2w` });
  }

  return (
    <div className={styles.summary}>
      <dl className={styles.distances} aria-label="Edit summary">
        <div>
          <dt>Distance from the original</dt>
          <dd data-readout="distance">{preview ? formatNumber(preview.distance) : '—'}</dd>
        </div>
        <div>
          <dt>Relative</dt>
          <dd data-readout="relative-distance">{preview ? formatPercent(preview.relativeDistance) : '—'}</dd>
        </div>
        <div>
          <dt title="How far the space's components are from rebuilding this LoRA: high means the space knows it poorly">
            Fit in the space
          </dt>
          <dd>{preview ? `${formatPercent(1 - preview.reconstructionError)}` : '—'}</dd>
        </div>
        <div>
          <dt>Computed in</dt>
          <dd data-readout="compute-ms">
            {preview ? formatMs(preview.computeMs) : '—'}
            <span className={`${styles.busyDot} ${busy ? styles.busyOn : ''}`} aria-hidden="true" />
          </dd>
        </div>
      </dl>
      <div className={styles.actions}>
        <button type="button" className="button" onClick={onReset} disabled={!anyStrength}>
          Reset
        </button>
        <button
          type="button"
          className="button button--primary"
          onClick={exportEdit}
          disabled={exporter.isPending || directions.length === 0}
        >
          <Icon name="sparkle" size={16} />
          {exporter.isPending ? 'Exporting…' : 'Export to ComfyUI'}
        </button>
      </div>
      {exporter.error ? <EditorError error={exporter.error} action="export" /> : null}
      {exporter.data ? (
        <ExportToast key={exporter.data.path} result={exporter.data} onClose={() => exporter.reset()} />
      ) : null}
    </div>
  );
}
