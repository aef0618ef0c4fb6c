import { useMemo } from 'react';
import { useMethodQuery } from '../../api';
import { Notice } from '../../components/Notice';
import { Panel } from '../../components/Panel';
import { ProgressBar } from '../../components/ProgressBar';
import { formatCount, formatPercent, plural } from './format';
import { groupSpectra } from './spectra.stats';
import { SpectrumPlot } from './SpectrumPlot';
import { TypedError } from './TypedError';
import styles from './Spectrum.module.css';

const TITLE = 'Singular-value spectra by layer kind';

export function SpectrumPanel({ path }: { path: string }) {
  // Exact spectra need every weight read once; they do not change while the file does not.
  const spectra = useMethodQuery('lora.spectra', { path }, { staleTime: Infinity });
  const groups = useMemo(() => (spectra.data ? groupSpectra(spectra.data.modules) : []), [spectra.data]);
  const maxRank = groups.reduce((max, group) => Math.max(max, group.maxRank), 0);
  const zeroModules = groups.reduce((sum, group) => sum + group.zeroModules, 0);

  return (
    <Panel
      title="Singular-value spectra"
      description="How each layer’s change is spread over its components. A curve that falls fast means the first component carries most of it, and reducing to rank 1 loses little."
    >
      {spectra.error ? (
        <TypedError error={spectra.error} context="open" />
      ) : !spectra.data ? (
        <div className={styles.computing} role="status">
          <span>
            Computing spectra — Atelier reads every weight once; a large LoRA takes a second or two.
          </span>
          <div className={styles.computingBar}>
            <ProgressBar value={null} label="Computing spectra" />
          </div>
        </div>
      ) : groups.length === 0 ? (
        <p className="hint">This file has no low-rank modules whose spectrum can be computed exactly.</p>
      ) : (
        <div className={styles.layout}>
          {maxRank > 1 ? (
            <figure className={styles.figure}>
              <SpectrumPlot groups={groups} title={TITLE} />
              <figcaption className="hint">
                Lines: median over the group’s modules. Bands: the middle half of them.
              </figcaption>
            </figure>
          ) : (
            <div className={styles.rankOne}>
              <Notice tone="info">
                Every module is rank 1: each holds a single component, so there is no curve to draw. All of a
                module’s change is in that component.
              </Notice>
            </div>
          )}
          <table className={styles.legend} aria-label="Layer groups">
            <thead>
              <tr>
                <th scope="col">Layer group</th>
                <th scope="col" className={styles.number}>
                  Modules
                </th>
                <th scope="col" className={styles.number} title="σ₁² / Σσᵢ², median over the group">
                  Energy in <span className={styles.symbol}>σ₁</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {groups.map((group) => (
                <tr key={group.group} className={styles[group.group]}>
                  <th scope="row">
                    <span className={styles.swatch} aria-hidden="true" />
                    {group.label}
                  </th>
                  <td className={styles.number}>{formatCount(group.modules)}</td>
                  <td className={styles.number}>
                    <span className={styles.energy}>{formatPercent(group.firstEnergy.median)}</span>
                    {group.modules > 1 && maxRank > 1 ? (
                      <span className={styles.range}>
                        {`${formatPercent(group.firstEnergy.q1)}–${formatPercent(group.firstEnergy.q3)}`}
                      </span>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {spectra.data.skipped.length > 0 || zeroModules > 0 ? (
            <p className={`hint ${styles.note}`}>
              {[
                spectra.data.skipped.length > 0
                  ? `${plural(spectra.data.skipped.length, 'module')} left out: ${distinctReasons(spectra.data.skipped)}.`
                  : null,
                zeroModules > 0 ? `${plural(zeroModules, 'module')} with all-zero weights left out.` : null,
              ]
                .filter(Boolean)
                .join(' ')}
            </p>
          ) : null}
        </div>
      )}
    </Panel>
  );
}

/** The first two distinct reasons, e.g. "loha modules have no low-rank factors"; a damaged file repeats one per module. */
function distinctReasons(skipped: readonly { reason: string }[]): string {
  const reasons = [...new Set(skipped.map((entry) => entry.reason.replace(/\.$/, '')))];
  return reasons.length <= 2 ? reasons.join('; ') : `${reasons.slice(0, 2).join('; ')}; and others`;
}
