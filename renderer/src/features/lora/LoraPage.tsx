import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { useMethodQuery, type LoraInspection } from '../../api';
import { CopyButton } from '../../components/CopyButton';
import { EmptyState } from '../../components/EmptyState';
import { Icon } from '../../components/Icon';
import { Page } from '../../components/Page';
import { Panel } from '../../components/Panel';
import { ProgressBar } from '../../components/ProgressBar';
import { baseModelLabels, describeRanks, formatBytes, formatLabels, plural } from './format';
import { LoraOverview } from './LoraOverview';
import { MetadataPanel } from './MetadataPanel';
import { ModulesPanel } from './ModulesPanel';
import { OpenLoraFile } from './OpenLoraFile';
import { ProblemsPanel } from './ProblemsPanel';
import { ReducePanel } from './ReducePanel';
import { splitPath } from './reduce.plan';
import { SpectrumPanel } from './SpectrumPanel';
import { TypedError } from './TypedError';
import styles from './Lora.module.css';

/** One LoRA file, by path: what it is, how its strength is spread, and a smaller copy on request. */
export function LoraPage({ path }: { path: string }) {
  if (path === '') {
    return (
      <Page title="Open a LoRA file" eyebrow={<BackToLibrary />} description="Look inside one LoRA file.">
        <EmptyState icon="file" title="No file chosen" action={<OpenLoraFile label="LoRA file" />}>
          Choose a .safetensors LoRA to see its base model, layers, training notes and spectra.
        </EmptyState>
      </Page>
    );
  }
  return <LoraFile key={path} path={path} />;
}

function LoraFile({ path }: { path: string }) {
  const [checkValues, setCheckValues] = useState(false);
  const inspection = useMethodQuery('lora.inspect', { path }, { staleTime: 60_000 });
  // A second query, so a failed or slow value check never hides what the header already told.
  const checked = useMethodQuery(
    'lora.inspect',
    { path, checkValues: true },
    { enabled: checkValues, staleTime: 60_000 },
  );
  const data = checked.data ?? inspection.data;
  return (
    <Page
      title={data?.fileName ?? splitPath(path).name}
      eyebrow={<BackToLibrary />}
      description={
        <span className={styles.pathLine}>
          <code className={styles.path}>{path}</code>
          <CopyButton text={path} label="path" />
        </span>
      }
    >
      {inspection.error && !data ? (
        <OpenFailed path={path} error={inspection.error} />
      ) : data ? (
        <LoraDetails
          inspection={data}
          checkingValues={checked.isFetching}
          onCheckValues={() => setCheckValues(true)}
          checkError={checked.error}
        />
      ) : (
        <div className={styles.loading} role="status">
          <span>Reading the file’s header…</span>
          <ProgressBar value={null} label="Reading the LoRA" />
        </div>
      )}
    </Page>
  );
}

function BackToLibrary() {
  return (
    <Link to="/library" className={styles.back}>
      <Icon name="back" size={14} />
      Library
    </Link>
  );
}

function OpenFailed({ path, error }: { path: string; error: unknown }) {
  return (
    <div className={styles.stack}>
      <TypedError error={error} context="open" />
      <Panel title="Open another file">
        <OpenLoraFile label="LoRA file" initialPath={path} />
      </Panel>
    </div>
  );
}

function LoraDetails(props: {
  inspection: LoraInspection;
  checkingValues: boolean;
  onCheckValues: () => void;
  checkError: unknown;
}) {
  const { inspection } = props;
  return (
    <>
      <ul className={styles.chips} aria-label="Summary">
        <li className={styles.chipStrong}>{baseModelLabels[inspection.base.baseModel]}</li>
        <li>{formatLabels[inspection.format]}</li>
        <li>{formatBytes(inspection.fileSize)}</li>
        <li>{plural(inspection.moduleCount, 'module')}</li>
        <li>{describeRanks(inspection.ranks)}</li>
        {inspection.problems.length + inspection.unmatchedKeys.length > 0 ? (
          <li className={styles.chipWarning}>
            {plural(inspection.problems.length + inspection.unmatchedKeys.length, 'problem')}
          </li>
        ) : null}
      </ul>
      <LoraOverview {...props} />
      <ProblemsPanel inspection={inspection} />
      <ModulesPanel inspection={inspection} />
      <SpectrumPanel path={inspection.path} />
      <ReducePanel inspection={inspection} />
      <MetadataPanel inspection={inspection} />
    </>
  );
}
