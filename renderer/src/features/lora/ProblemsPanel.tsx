import type { LoraInspection } from '../../api';
import { Notice } from '../../components/Notice';
import { Panel } from '../../components/Panel';
import { plural } from './format';
import styles from './Lora.module.css';

/** Enough to see the pattern; a damaged file can list a problem per module. */
const SHOWN = 8;

export function ProblemsPanel({ inspection }: { inspection: LoraInspection }) {
  const { problems, unmatchedKeys } = inspection;
  if (problems.length === 0 && unmatchedKeys.length === 0) return null;
  return (
    <Panel
      title="Problems"
      description="Parts of the file Atelier could not use. The rest reads fine; these parts are left out of every view and every new file."
    >
      <div className={styles.stack}>
        {problems.length > 0 ? (
          <div className={styles.problemList}>
            <Notice tone="warning">
              {`${plural(problems.length, 'module')} ${problems.length === 1 ? 'has' : 'have'} a problem.`}
            </Notice>
            <ul className={styles.problems} aria-label="Module problems">
              {problems.slice(0, SHOWN).map((problem, index) => (
                <li key={`${problem.module}-${index}`}>
                  <code>{problem.module}</code>
                  <span>{problem.message}</span>
                </li>
              ))}
            </ul>
            {problems.length > SHOWN ? (
              <details className={styles.disclosure}>
                <summary>{`${problems.length - SHOWN} more`}</summary>
                <ul className={styles.problems}>
                  {problems.slice(SHOWN).map((problem, index) => (
                    <li key={`${problem.module}-${index}`}>
                      <code>{problem.module}</code>
                      <span>{problem.message}</span>
                    </li>
                  ))}
                </ul>
              </details>
            ) : null}
          </div>
        ) : null}
        {unmatchedKeys.length > 0 ? (
          <div className={styles.problemList}>
            <Notice tone="warning">
              {`${plural(unmatchedKeys.length, 'tensor')} ${unmatchedKeys.length === 1 ? 'is' : 'are'} not part of any LoRA module Atelier knows, and ${unmatchedKeys.length === 1 ? 'is' : 'are'} ignored.`}
            </Notice>
            <details className={styles.disclosure}>
              <summary>Show the tensor names</summary>
              <ul className={styles.keyList}>
                {unmatchedKeys.map((key) => (
                  <li key={key}>
                    <code>{key}</code>
                  </li>
                ))}
              </ul>
            </details>
          </div>
        ) : null}
      </div>
    </Panel>
  );
}
