import { useEffect, useRef, type ReactNode } from 'react';
import { useMethodQuery } from '../../api';
import { Icon } from '../../components/Icon';
import { ErrorNotice } from '../../components/Notice';
import { formatSize, formatWeight, loraName, matchRuleLabel, type ImageLora } from './images.format';
import type { ImageItem } from './images.pages';
import { libraryHref } from './images.search';
import { ImageThumb } from './ImageThumb';
import { ReactionBar } from './ReactionBar';
import styles from './Images.module.css';

/**
 * One image large, with everything needed to make it again. Opened from the grid (the item is already
 * loaded) or from a URL (it is fetched); `images.get` refreshes it either way.
 */
export function ImageDetail({
  id,
  loaded,
  onClose,
  onStep,
}: {
  id: number;
  loaded: ImageItem | undefined;
  onClose: () => void;
  /** Move to the previous (-1) or next (+1) loaded image; undefined at the ends. */
  onStep: ((delta: -1 | 1) => void) | undefined;
}) {
  const fetched = useMethodQuery('images.get', { id }, { placeholderData: loaded });
  const item = fetched.data ?? loaded;
  const closeRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    closeRef.current?.focus();
    return () => previous?.focus();
  }, []);

  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.key === 'Escape') onClose();
      else if (event.key === 'ArrowLeft' && onStep) onStep(-1);
      else if (event.key === 'ArrowRight' && onStep) onStep(1);
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose, onStep]);

  return (
    <div className={styles.overlay}>
      <div className={styles.backdrop} onClick={onClose} aria-hidden="true" />
      <section className={styles.drawer} role="dialog" aria-modal="true" aria-label="Image details">
        <div className={styles.stage}>
          {item ? (
            <ImageThumb key={item.id} item={item} kind="image" />
          ) : fetched.error ? null : (
            <p className="hint">Loading…</p>
          )}
          {onStep ? (
            <div className={styles.stepper}>
              <button
                type="button"
                className={styles.stepButton}
                aria-label="Previous image"
                onClick={() => onStep(-1)}
              >
                ‹
              </button>
              <button
                type="button"
                className={styles.stepButton}
                aria-label="Next image"
                onClick={() => onStep(1)}
              >
                ›
              </button>
            </div>
          ) : null}
        </div>
        <div className={styles.info}>
          <header className={styles.infoHead}>
            <div>
              <h2>Image details</h2>
              {item ? (
                <p className={styles.infoMeta}>
                  {item.source === 'imagegem' ? 'ImageGem dataset' : 'Generated here'} ·{' '}
                  {formatDate(item.createdAt)}
                </p>
              ) : null}
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
          {fetched.error && !item ? <ErrorNotice error={fetched.error} /> : null}
          {item ? <DetailBody item={item} /> : null}
        </div>
      </section>
    </div>
  );
}

function DetailBody({ item }: { item: ImageItem }) {
  const size = formatSize(item.width, item.height);
  return (
    <>
      <ReactionBar item={item} size="large" />
      <Section title="Prompt">
        <p className={styles.promptText}>{item.prompt ?? 'No prompt recorded.'}</p>
      </Section>
      {item.negativePrompt ? (
        <Section title="Negative prompt">
          <p className={`${styles.promptText} ${styles.promptNegative}`}>{item.negativePrompt}</p>
        </Section>
      ) : null}
      <Section title="Parameters">
        <dl className={styles.params}>
          <Param name="Seed" value={item.seed !== null ? String(item.seed) : null} mono />
          <Param name="Steps" value={item.steps !== null ? String(item.steps) : null} />
          <Param name="Sampler" value={item.sampler} />
          <Param name="CFG scale" value={item.cfg !== null ? String(item.cfg) : null} />
          <Param name="Size" value={size} />
        </dl>
      </Section>
      <Section
        title={
          item.loras.length === 1
            ? '1 LoRA'
            : item.loras.length === 0
              ? 'LoRAs'
              : `${item.loras.length} LoRAs`
        }
      >
        {item.loras.length === 0 ? (
          <p className="hint">No LoRAs were recorded for this image.</p>
        ) : (
          <ul className={styles.loraList}>
            {item.loras.map((lora, index) => (
              <LoraRow key={`${lora.loraFileId ?? lora.name ?? ''}-${index}`} lora={lora} />
            ))}
          </ul>
        )}
      </Section>
      {item.path ? (
        <Section title="File">
          <code className={styles.filePath}>{item.path}</code>
        </Section>
      ) : null}
    </>
  );
}

function LoraRow({ lora }: { lora: ImageLora }) {
  const name = loraName(lora);
  const weight = formatWeight(lora.weight);
  return (
    <li className={styles.loraRow}>
      <div className={styles.loraMain}>
        {lora.loraFileId !== null ? (
          <a href={libraryHref(lora.loraFileId)} className={styles.loraLink}>
            {name}
          </a>
        ) : (
          <span className={styles.loraName}>{name}</span>
        )}
        <span className={styles.loraRule}>
          {lora.loraFileId !== null
            ? `Matched by ${matchRuleLabel(lora.matchRule)}`
            : lora.matchRule === 'unmatched'
              ? 'Not in your Library'
              : `Not in your Library · ${matchRuleLabel(lora.matchRule)}`}
        </span>
      </div>
      {weight !== null ? (
        <span className={styles.loraWeight} title="Weight">
          {weight}
        </span>
      ) : null}
    </li>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className={styles.section} aria-label={title}>
      <h3 className={styles.sectionTitle}>{title}</h3>
      {children}
    </section>
  );
}

function Param({ name, value, mono = false }: { name: string; value: string | null; mono?: boolean }) {
  return (
    <div className={styles.param}>
      <dt>{name}</dt>
      <dd className={mono && value !== null ? 'mono' : undefined}>{value ?? '—'}</dd>
    </div>
  );
}

function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleDateString(undefined, { dateStyle: 'medium' });
}
