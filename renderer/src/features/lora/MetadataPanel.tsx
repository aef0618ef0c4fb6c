import type { LoraInspection } from '../../api';
import { Panel } from '../../components/Panel';
import { formatCount } from './format';
import { modelspecRows, trainingRows, type MetadataRow } from './metadata';
import styles from './Lora.module.css';

export function MetadataPanel({ inspection }: { inspection: LoraInspection }) {
  const training = trainingRows(inspection.training);
  const modelspec = modelspecRows(inspection.modelspec);
  const other = Object.keys(inspection.otherMetadata)
    .sort()
    .map((key) => ({ key, label: key, value: inspection.otherMetadata[key]! }));
  const empty = training.important.length + training.other.length + modelspec.length + other.length === 0;
  return (
    <Panel
      title="Metadata"
      description="What the training tool wrote into the file. Atelier shows it as written; it is not checked."
    >
      {empty ? (
        <p className="hint">This file carries no metadata.</p>
      ) : (
        <div className={styles.metadata}>
          {training.important.length + training.other.length > 0 ? (
            <section aria-label="Training">
              <h3 className={styles.groupHeading}>Training</h3>
              <MetadataTable rows={training.important} />
              {training.other.length > 0 ? (
                <details className={styles.disclosure}>
                  <summary>{`${training.other.length} more training ${training.other.length === 1 ? 'field' : 'fields'}`}</summary>
                  <MetadataTable rows={training.other} mono />
                </details>
              ) : null}
            </section>
          ) : null}
          {modelspec.length > 0 ? (
            <section aria-label="Model spec">
              <h3 className={styles.groupHeading}>Model spec</h3>
              <MetadataTable rows={modelspec} />
            </section>
          ) : null}
          {other.length > 0 ? (
            <section aria-label="Other metadata">
              <h3 className={styles.groupHeading}>Other</h3>
              <MetadataTable rows={other} mono />
            </section>
          ) : null}
        </div>
      )}
    </Panel>
  );
}

function MetadataTable({ rows, mono = false }: { rows: readonly MetadataRow[]; mono?: boolean }) {
  return (
    <dl className={styles.metaTable}>
      {rows.map((row) => (
        <div key={row.key} className={styles.metaRow}>
          <dt className={mono ? 'mono' : undefined} title={row.key}>
            {row.label}
          </dt>
          <dd title={row.raw !== undefined && !row.tags ? row.raw : undefined}>
            {row.value}
            {row.tags && row.tags.length > 0 ? (
              <ul className={styles.tags} aria-label="Most frequent tags">
                {row.tags.map((tag) => (
                  <li key={tag.tag}>
                    {tag.tag}
                    <span className={styles.tagCount}>{formatCount(tag.count)}</span>
                  </li>
                ))}
              </ul>
            ) : null}
          </dd>
        </div>
      ))}
    </dl>
  );
}
