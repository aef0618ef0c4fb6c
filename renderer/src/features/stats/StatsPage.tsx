import { Fragment } from 'react';
import { useMethodQuery } from '../../api';
import { Icon } from '../../components/Icon';
import { ErrorNotice } from '../../components/Notice';
import { Page } from '../../components/Page';
import { Panel } from '../../components/Panel';
import { useRefreshOnJobDone } from '../../components/useRefreshOnJobDone';
import { LongPromptsFigure, ReactionsFigure, TopUsersFigure } from './Charts';
import { ImportForm } from './ImportForm';
import { formatPercent, formatWhole, isDatasetEmpty, topShare, type DatasetStats } from './stats.charts';
import styles from './Stats.module.css';

const IMPORT_COMMAND = 'npx atelier import imagegem --images <file> --models <file>';

export function StatsPage() {
  const stats = useMethodQuery('stats.dataset', {});
  useRefreshOnJobDone(['stats.dataset']);
  return (
    <Page
      title="Stats"
      description="The ImageGem paper's dataset figures, drawn from what Atelier has loaded: how reactions spread over images, how few users make most of the images and models, and how long prompts get."
    >
      {stats.error ? (
        <ErrorNotice error={stats.error} />
      ) : !stats.data ? (
        <p className="hint">Counting…</p>
      ) : isDatasetEmpty(stats.data) ? (
        <NothingLoaded />
      ) : (
        <Figures stats={stats.data} />
      )}
    </Page>
  );
}

function Figures({ stats }: { stats: DatasetStats }) {
  const share = topShare(stats.topUsersByImages, stats.totals.images);
  return (
    <>
      <dl className={styles.totals} aria-label="Totals">
        <Total label="Users" value={stats.totals.users} />
        <Total label="Images" value={stats.totals.images} />
        <Total label="Models" value={stats.totals.models} />
        <Total label="LoRA files" value={stats.totals.loraFiles} />
      </dl>
      <div className={styles.figures}>
        <ReactionsFigure reactions={stats.reactions} />
        <TopUsersFigure
          title="Top users by images"
          figure="Fig. 8"
          caption={
            share === null
              ? 'The 30 users with the most images; names hidden.'
              : `The 30 users with the most images, names hidden; the top 10 made ${formatPercent(share)} of all images.`
          }
          buckets={stats.topUsersByImages}
          unit="images"
        />
        <TopUsersFigure
          title="Top users by models"
          figure="Fig. 9"
          caption="The 30 users who generated with the most different LoRAs; names hidden."
          buckets={stats.topUsersByModels}
          unit="models"
        />
        <LongPromptsFigure longPrompts={stats.longPrompts} />
      </div>
      <Panel
        title="Import ImageGem tables"
        description="Add more of the dataset, or resume an import that stopped. The figures refresh when it is done."
      >
        <ImportForm />
      </Panel>
    </>
  );
}

function Total({ label, value }: { label: string; value: number }) {
  return (
    <div className={styles.total}>
      <dt>{label}</dt>
      <dd>{formatWhole(value)}</dd>
    </div>
  );
}

function NothingLoaded() {
  return (
    <section className={styles.empty} aria-label="No dataset loaded">
      <div className={styles.emptyIntro}>
        <div className={styles.badge}>
          <Icon name="stats" size={26} />
        </div>
        <h2>No dataset loaded yet</h2>
        <p className={styles.emptyBody}>
          This page re-creates the ImageGem paper&apos;s appendix figures (Figs. 6–9) from the data on this
          computer. Import the ImageGem images and models tables to see them; your own scanned images count
          too.
        </p>
      </div>
      <div className={styles.emptySteps}>
        <div>
          <h3 className={styles.stepTitle}>From a terminal</h3>
          <pre className={styles.command}>
            <code>
              {/* Lines break between words only: a break after the first hyphen of `--models` reads as a different flag. */}
              {IMPORT_COMMAND.split(' ').map((word, index) => (
                <Fragment key={index}>
                  {index > 0 ? ' ' : null}
                  <span className={styles.word}>{word}</span>
                </Fragment>
              ))}
            </code>
          </pre>
          <p className="hint">
            Parquet, CSV or JSON Lines. Add <code>--limit 10000</code> to try a big file first.
          </p>
        </div>
        <div>
          <h3 className={styles.stepTitle}>Or here</h3>
          <ImportForm />
        </div>
      </div>
    </section>
  );
}
