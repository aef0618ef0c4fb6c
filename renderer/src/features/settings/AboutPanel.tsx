import { useMethodQuery, type AppStatus } from '../../api';
import { InlineCode } from '../../components/InlineCode';
import { ErrorNotice } from '../../components/Notice';
import { Panel } from '../../components/Panel';
import styles from './Settings.module.css';

const providerNames: Record<AppStatus['executionProviders'][number]['name'], string> = {
  cuda: 'CUDA',
  dml: 'DirectML',
  coreml: 'Core ML',
  cpu: 'CPU',
};

export function AboutPanel() {
  const status = useMethodQuery('app.status', {});
  return (
    <Panel title="About" description="What this copy of Atelier runs on and where it keeps your data.">
      {status.error ? <ErrorNotice error={status.error} /> : null}
      {status.data ? (
        <AboutFacts status={status.data} />
      ) : status.error ? null : (
        <p className="hint">Loading…</p>
      )}
    </Panel>
  );
}

function AboutFacts({ status }: { status: AppStatus }) {
  const { versions } = status;
  const facts: [string, string][] = [
    ['Atelier', status.appVersion],
    ['Platform', `${status.platform} (${status.arch})`],
    ['Node.js', versions.node],
    ['Electron', versions.electron ?? 'Not running in Electron'],
    ['Chromium', versions.chrome ?? '—'],
    ['SQLite', versions.sqlite],
    ['ONNX Runtime', versions.onnxruntime ?? 'Not loaded'],
    ['Data folder', status.dataDir],
    ['Database', `${status.databasePath} (schema ${status.schemaVersion})`],
  ];
  return (
    <>
      <dl className={styles.facts}>
        {facts.map(([term, value]) => (
          <div key={term} className={styles.fact}>
            <dt>{term}</dt>
            <dd className={term === 'Data folder' || term === 'Database' ? 'mono' : undefined}>{value}</dd>
          </div>
        ))}
      </dl>
      <h3 className={styles.subheading}>Execution providers</h3>
      <ul className={styles.providers} aria-label="Execution providers">
        {status.executionProviders.map((provider) => (
          <li key={provider.name} className={styles.provider}>
            <span>{providerNames[provider.name]}</span>
            <span className={`${styles.pill} ${provider.available ? styles.available : styles.unavailable}`}>
              {provider.available ? 'Available' : 'Unavailable'}
            </span>
            <span className={styles.reason}>
              <InlineCode text={provider.reason} />
            </span>
          </li>
        ))}
      </ul>
    </>
  );
}
