import { Panel } from '../../components/Panel';
import { describeLabels, formatNumber, formatPercent, methodLabels, type Direction } from './editor.format';
import styles from './Editor.module.css';

/** What each direction was learned from and how well its classifier holds up on held-out LoRAs. */
export function DirectionList({ directions }: { directions: readonly Direction[] }) {
  return (
    <Panel
      title="Directions"
      description="Accuracy is cross-validated: the classifier behind each direction is tested on LoRAs it was not trained on."
    >
      {directions.length === 0 ? (
        <p className={styles.quiet}>No directions yet. Learn the first one with the form below.</p>
      ) : (
        <div className={styles.tableWrap}>
          <table className={styles.table} aria-label="Directions of this space">
            <thead>
              <tr>
                <th scope="col">Direction</th>
                <th scope="col">Method</th>
                <th scope="col">Accuracy</th>
                <th scope="col">Positive</th>
                <th scope="col">Negative</th>
                <th scope="col">Debiased of</th>
                <th
                  scope="col"
                  className={styles.keepCase}
                  title="One normalized strength unit, in raw units"
                >
                  1σ
                </th>
              </tr>
            </thead>
            <tbody>
              {directions.map((direction) => (
                <tr key={direction.id}>
                  <th scope="row">{direction.name}</th>
                  <td>{methodLabels[direction.method]}</td>
                  <td>
                    {direction.accuracy === null ? (
                      <span className={styles.faint} title="Too few labeled LoRAs to cross-validate">
                        too few labels
                      </span>
                    ) : (
                      <>
                        <span className={styles.accuracy}>
                          <span className={styles.accuracyBar} aria-hidden="true">
                            <span
                              style={{ width: `${Math.max(0, Math.min(1, direction.accuracy)) * 100}%` }}
                            />
                          </span>
                          {formatPercent(direction.accuracy)}
                        </span>
                        <span className={styles.faint}> · {direction.folds} folds</span>
                      </>
                    )}
                  </td>
                  <td>
                    <span className={styles.count}>{direction.positiveCount}</span>
                    <span className={styles.faint}> {describeLabels(direction.positive)}</span>
                  </td>
                  <td>
                    <span className={styles.count}>{direction.negativeCount}</span>
                    <span className={styles.faint}> {describeLabels(direction.negative)}</span>
                  </td>
                  <td>
                    {direction.debias.length === 0 ? (
                      <span className={styles.faint}>—</span>
                    ) : (
                      direction.debias.join(', ')
                    )}
                  </td>
                  <td className={styles.numeric}>{formatNumber(direction.unit)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}
