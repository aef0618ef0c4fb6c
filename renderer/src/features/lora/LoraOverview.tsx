import type { ReactNode } from 'react';
import { useMethodQuery, type LoraHashes, type LoraInspection } from '../../api';
import { CopyButton } from '../../components/CopyButton';
import { Panel } from '../../components/Panel';
import {
  baseModelLabels,
  confidenceLabels,
  describeRanks,
  formatBytes,
  formatCount,
  formatLabels,
  plural,
} from './format';
import { TypedError } from './TypedError';
import styles from './Lora.module.css';

export function LoraOverview({
  inspection,
  checkingValues,
  onCheckValues,
  checkError,
}: {
  inspection: LoraInspection;
  checkingValues: boolean;
  onCheckValues: () => void;
  checkError: unknown;
}) {
  const { base } = inspection;
  const dtypes = Object.entries(inspection.dtypes)
    .map(([dtype, count]) => (Object.keys(inspection.dtypes).length === 1 ? dtype : `${dtype} ×${count}`))
    .join(', ');
  return (
    <Panel title="Overview">
      <dl className={styles.facts}>
        <Fact term="Base model">
          <span className={styles.baseLine}>
            <span className={styles.strong}>{baseModelLabels[base.baseModel]}</span>
            {base.variant ? <span>{base.variant}</span> : null}
            <span className={`${styles.pill} ${styles[`confidence_${base.confidence}`]}`}>
              {confidenceLabels[base.confidence]}
            </span>
          </span>
          {base.evidence.length > 0 ? (
            <details className={styles.disclosure}>
              <summary>Why {baseModelLabels[base.baseModel]}</summary>
              <ul className={styles.evidence}>
                {base.evidence.map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
            </details>
          ) : null}
        </Fact>
        <Fact term="Format">{formatLabels[inspection.format]}</Fact>
        <Fact term="File size">
          {formatBytes(inspection.fileSize)}{' '}
          <span className={styles.faint}>({formatCount(inspection.fileSize)} bytes)</span>
        </Fact>
        <Fact term="Tensors">
          {formatCount(inspection.tensorCount)} <span className={styles.faint}>{dtypes}</span>
        </Fact>
        <Fact term="Modules">
          {plural(inspection.moduleCount, 'module')}, {describeRanks(inspection.ranks)}
          {inspection.doraModules > 0 ? (
            <span className={styles.faint}> · {formatCount(inspection.doraModules)} with DoRA</span>
          ) : null}
        </Fact>
        <Fact term="Weights">
          {inspection.valuesChecked ? (
            <span>
              Checked for NaN and infinity
              {inspection.problems.some((problem) => problem.kind === 'nan' || problem.kind === 'inf')
                ? ' — see Problems'
                : ' — all finite'}
            </span>
          ) : (
            <span className={styles.inlineAction}>
              <span className={styles.faint}>Not checked yet</span>
              <button
                type="button"
                className="button button--small"
                disabled={checkingValues}
                onClick={onCheckValues}
              >
                {checkingValues ? 'Checking every weight…' : 'Check for NaN and infinity'}
              </button>
            </span>
          )}
          {checkError ? <TypedError error={checkError} context="open" /> : null}
        </Fact>
      </dl>
      <h3 className={styles.subheading}>Hashes</h3>
      <HashList path={inspection.path} />
    </Panel>
  );
}

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className={styles.fact}>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

const hashRows: readonly { key: keyof LoraHashes; label: string; hint: string }[] = [
  { key: 'autoV2', label: 'AutoV2', hint: 'Civitai and A1111 short hash of the file' },
  { key: 'autoV3', label: 'AutoV3', hint: 'Civitai short hash of the tensors, stable when metadata changes' },
  { key: 'sha256', label: 'SHA-256', hint: 'of the whole file' },
  { key: 'tensorSha256', label: 'Tensor SHA-256', hint: 'of the tensor data only' },
];

/** Hashing reads the whole file, so it runs after the header is shown, not before. */
function HashList({ path }: { path: string }) {
  const hashes = useMethodQuery('lora.hash', { path }, { staleTime: Infinity });
  if (hashes.error) return <TypedError error={hashes.error} context="open" />;
  return (
    <dl className={styles.hashes} aria-label="Hashes" aria-busy={hashes.data ? undefined : true}>
      {hashRows.map(({ key, label, hint }) => {
        const value = hashes.data?.[key];
        return (
          <div key={key} className={styles.hash}>
            <dt title={hint}>{label}</dt>
            <dd>
              {hashes.data === undefined ? (
                <span className={styles.computing}>Hashing…</span>
              ) : value ? (
                <>
                  <code className={styles.hashValue}>{value}</code>
                  <CopyButton text={value} label={label} />
                </>
              ) : (
                <span className={styles.faint}>Not available for this format</span>
              )}
            </dd>
          </div>
        );
      })}
    </dl>
  );
}
