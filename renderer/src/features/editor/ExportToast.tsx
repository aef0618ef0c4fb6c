import type { MethodOutput } from '../../api';
import { CopyButton } from '../../components/CopyButton';
import { Icon } from '../../components/Icon';
import { fileStem, formatNumber, formatPercent } from './editor.format';
import styles from './Editor.module.css';

/** Where the edited LoRA was written, to paste into ComfyUI or find on disk. */
export function ExportToast({ result, onClose }: { result: MethodOutput<'w2w.edit'>; onClose: () => void }) {
  return (
    <section className={styles.toast} role="status" aria-label="Exported">
      <span className={styles.toastIcon} aria-hidden="true">
        <Icon name="check" size={16} />
      </span>
      <div className={styles.toastBody}>
        <strong>Exported {fileStem(result.path)}</strong>
        <span className={styles.toastPath}>
          <code>{result.path}</code>
          <CopyButton text={result.path} label="path of the exported LoRA" />
        </span>
        <span className={styles.toastMeta}>
          {result.directions
            .map(
              (entry) =>
                `${entry.direction} ${entry.strength >= 0 ? '+' : '−'}${Math.abs(entry.strength).toFixed(2)}σ`,
            )
            .join(' · ')}
          {result.readouts.length > 0
            ? ` · P(${result.readouts[0]!.direction}) ${formatPercent(result.readouts[0]!.probability)}`
            : ''}
          {` · ${formatNumber(result.modules)} modules · refresh ComfyUI's LoRA list to use it`}
        </span>
      </div>
      <button type="button" className={styles.iconButton} onClick={onClose} aria-label="Dismiss">
        <Icon name="close" size={14} />
      </button>
    </section>
  );
}
