import type { LoraInspection } from '../../api';
import { Panel } from '../../components/Panel';
import { formatCount, formatPercent, plural } from './format';
import { kindRows, targetRows } from './modules.layout';
import styles from './Lora.module.css';

export function ModulesPanel({ inspection }: { inspection: LoraInspection }) {
  const rows = kindRows(inspection.countsByKind);
  const targets = targetRows(inspection.countsByTarget);
  const ranks = [...inspection.ranks].sort((a, b) => a.rank - b.rank);
  const rankTotal = ranks.reduce((sum, entry) => sum + entry.modules, 0);
  return (
    <Panel
      title="Modules"
      description={`${plural(inspection.moduleCount, 'module')}, laid out by the layers they change.`}
    >
      <div className={styles.modulesGrid}>
        <table className={styles.kindTable} aria-label="Modules by layer kind">
          <tbody>
            {rows.map((row) => (
              <tr key={row.label}>
                <th scope="row">
                  {row.label}
                  {row.detail ? <span className={styles.detail}>{row.detail}</span> : null}
                </th>
                <td>
                  <ul className={styles.kindCells}>
                    {row.cells.map((cell) => (
                      <li
                        key={cell.kind}
                        className={cell.count === 0 ? styles.kindEmpty : undefined}
                        title={`${cell.kind}: ${formatCount(cell.count)}`}
                      >
                        <span className={styles.kindName}>{cell.name}</span>
                        <span className={styles.kindCount}>{formatCount(cell.count)}</span>
                      </li>
                    ))}
                  </ul>
                </td>
                <td className={styles.number}>{formatCount(row.total)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className={styles.sideStack}>
          <section aria-label="Modules by network">
            <h3 className={styles.groupHeading}>By network</h3>
            <ul className={styles.bars}>
              {targets.map((target) => (
                <li key={target.target}>
                  <span className={styles.barLabel}>{target.label}</span>
                  <span className={styles.barCount}>{formatCount(target.count)}</span>
                  <span className={styles.barTrack} aria-hidden="true">
                    <span className={styles.barFill} style={{ width: formatPercent(target.share) }} />
                  </span>
                </li>
              ))}
            </ul>
          </section>
          <section aria-label="Ranks">
            <h3 className={styles.groupHeading}>Ranks</h3>
            <ul className={styles.bars}>
              {ranks.map((entry) => (
                <li key={entry.rank}>
                  <span className={styles.barLabel}>Rank {entry.rank}</span>
                  <span className={styles.barCount}>{plural(entry.modules, 'module')}</span>
                  <span className={styles.barTrack} aria-hidden="true">
                    <span
                      className={styles.barFill}
                      style={{ width: formatPercent(rankTotal === 0 ? 0 : entry.modules / rankTotal) }}
                    />
                  </span>
                </li>
              ))}
              {ranks.length === 0 ? <li className={styles.faint}>No low-rank modules</li> : null}
            </ul>
          </section>
        </div>
      </div>
    </Panel>
  );
}
