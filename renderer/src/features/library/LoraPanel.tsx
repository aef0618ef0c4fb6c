import { Link } from '@tanstack/react-router';
import { useEffect, useRef, type ReactNode } from 'react';
import { useClient, useMethodQuery } from '../../api';
import { CopyButton } from '../../components/CopyButton';
import { Icon } from '../../components/Icon';
import { ErrorNotice } from '../../components/Notice';
import { baseLabel, baseName, displayName, formatBytes } from './library.format';
import { LoraPreview } from './LoraCard';
import type { LoraDetail, LoraItem } from './library.pages';
import styles from './Library.module.css';

/** One LoRA from the library: everything known about the file, and the way into the LoRA view. */
export function LoraPanel({ id, onClose }: { id: number; onClose: () => void }) {
  const detail = useMethodQuery('loras.get', { id });
  const closeRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    closeRef.current?.focus();
    return () => previous?.focus();
  }, []);

  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.key === 'Escape') onClose();
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const lora = detail.data?.lora;
  return (
    <div className={styles.overlay}>
      <div className={styles.backdrop} onClick={onClose} aria-hidden="true" />
      <section
        className={styles.panel}
        role="dialog"
        aria-modal="true"
        aria-label={lora ? displayName(lora) : 'LoRA details'}
      >
        <header className={styles.panelHead}>
          <div className={styles.panelTitle}>
            <h2>{lora ? displayName(lora) : 'LoRA'}</h2>
            {lora ? <p className={styles.panelSub}>{lora.versionName ?? lora.fileName}</p> : null}
          </div>
          <button
            ref={closeRef}
            type="button"
            className="button button--ghost button--small"
            aria-label="Close details"
            onClick={onClose}
          >
            <Icon name="close" size={16} />
          </button>
        </header>
        <div className={styles.panelBody}>
          {detail.error ? <ErrorNotice error={detail.error} /> : null}
          {detail.isPending ? <p className="hint">Loading…</p> : null}
          {detail.data ? <PanelBody detail={detail.data} /> : null}
        </div>
      </section>
    </div>
  );
}

function PanelBody({ detail }: { detail: LoraDetail }) {
  const { lora } = detail;
  const base = baseLabel(lora.baseModel);
  // The engine already turned the sidecar's HTML into plain text; it is shown as text, never as markup.
  const description = detail.description?.trim() ?? '';
  return (
    <>
      <div className={styles.panelPreview}>
        <LoraPreview item={lora} large />
      </div>
      <div className={styles.panelFacts}>
        {base ? <span className={styles.baseBadge}>{base}</span> : null}
        {lora.format ? <span className={styles.factChip}>{lora.format}</span> : null}
        <span className={styles.factChip}>{formatBytes(lora.size)}</span>
        {lora.duplicateCount > 0 ? (
          <span className={styles.dupBadge}>{`${lora.duplicateCount + 1} copies`}</span>
        ) : null}
      </div>
      <div className={styles.panelActions}>
        <Link to="/library/lora" search={{ path: lora.path }} className="button button--primary">
          Inspect &amp; reduce…
        </Link>
        <Link to="/images" search={{ lora: lora.id }} className="button">
          Images made with it
        </Link>
      </div>
      {lora.scanState === 'error' ? (
        <p className={styles.panelError} role="alert">
          {lora.error ?? 'This file could not be read.'}
        </p>
      ) : null}
      {lora.trainedWords.length > 0 ? (
        <Section
          title="Trained words"
          aside={<CopyButton text={lora.trainedWords.join(', ')} label="trained words" />}
        >
          <div className={styles.wordList}>
            {lora.trainedWords.map((word) => (
              <code key={word} className={styles.word}>
                {word}
              </code>
            ))}
          </div>
        </Section>
      ) : null}
      {lora.tags.length > 0 ? (
        <Section title="Tags">
          <div className={styles.wordList}>
            {lora.tags.map((tag) => (
              <Link key={tag} to="/library" search={{ tag }} className={styles.tagLink}>
                {tag}
              </Link>
            ))}
          </div>
        </Section>
      ) : null}
      {description ? (
        <Section title="Description">
          <p className={styles.description}>{description}</p>
        </Section>
      ) : null}
      <Section title="File">
        <dl className={styles.facts}>
          <Fact name="Path" value={lora.path} copy="path" />
          <Fact name="AutoV2" value={lora.autoV2} copy="AutoV2 hash" />
          <Fact name="AutoV3" value={lora.autoV3} copy="AutoV3 hash" />
          {detail.sidecars.length > 0 ? (
            <Fact name="Sidecars" value={detail.sidecars.map(baseName).join('\n')} />
          ) : null}
        </dl>
      </Section>
      {detail.duplicates.length > 0 ? (
        <Section title={`Same weights elsewhere (${detail.duplicates.length})`}>
          <ul className={styles.pathList}>
            {detail.duplicates.map((duplicate) => (
              <li key={duplicate.id}>{duplicate.path}</li>
            ))}
          </ul>
        </Section>
      ) : null}
      <ImagesSection lora={lora} images={detail.images} />
    </>
  );
}

function ImagesSection({ lora, images }: { lora: LoraItem; images: LoraDetail['images'] }) {
  const client = useClient();
  const local = images.filter((image) => image.path !== null);
  return (
    <Section
      title={lora.imageCount > 0 ? `Images made with it (${lora.imageCount})` : 'Images made with it'}
      aside={
        lora.imageCount > 0 ? (
          <Link to="/images" search={{ lora: lora.id }} className={styles.sectionLink}>
            See all
          </Link>
        ) : null
      }
    >
      {local.length === 0 ? (
        <p className="hint">No scanned image names this LoRA yet.</p>
      ) : (
        <div className={styles.thumbs}>
          {local.map((image) => (
            <Link
              key={image.id}
              to="/images"
              search={{ lora: lora.id, image: image.id }}
              className={styles.thumb}
              aria-label={image.prompt ? image.prompt.slice(0, 80) : `Image ${image.id}`}
            >
              <img src={client.mediaUrl('thumbnail', image.id)} alt="" loading="lazy" decoding="async" />
            </Link>
          ))}
        </div>
      )}
    </Section>
  );
}

function Section({ title, aside, children }: { title: string; aside?: ReactNode; children: ReactNode }) {
  return (
    <section className={styles.section} aria-label={title}>
      <div className={styles.sectionHead}>
        <h3 className={styles.sectionTitle}>{title}</h3>
        {aside}
      </div>
      {children}
    </section>
  );
}

function Fact({ name, value, copy }: { name: string; value: string | null; copy?: string }) {
  return (
    <div className={styles.fact}>
      <dt>{name}</dt>
      <dd>
        {value === null ? (
          <span className={styles.factMissing}>Not computed yet</span>
        ) : (
          <>
            <span className={styles.factValue}>{value}</span>
            {copy ? <CopyButton text={value} label={copy} /> : null}
          </>
        )}
      </dd>
    </div>
  );
}
