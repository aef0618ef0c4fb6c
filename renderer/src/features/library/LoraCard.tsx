import { memo } from 'react';
import { useClient } from '../../api';
import { baseLabel, displayName, formatBytes, initials, placeholderGradient } from './library.format';
import type { LoraItem } from './library.pages';
import styles from './Library.module.css';

/** A preview only for files that have one (no 404 per card); the rest get a gradient from their name. */
export function LoraPreview({ item, large = false }: { item: LoraItem; large?: boolean }) {
  const client = useClient();
  const name = displayName(item);
  if (item.hasPreview) {
    return (
      <img
        className={large ? styles.panelPreviewImage : styles.previewImage}
        src={client.mediaUrl('lora-preview', item.id)}
        alt=""
        loading={large ? 'eager' : 'lazy'}
        decoding="async"
        draggable={false}
      />
    );
  }
  return (
    <div
      className={`${styles.generated} ${large ? styles.generatedLarge : ''}`}
      style={{ background: placeholderGradient(name) }}
      aria-hidden="true"
    >
      <span className={styles.initials}>{initials(name)}</span>
    </div>
  );
}

export const LoraCard = memo(function LoraCard({
  item,
  index,
  selected,
  onOpen,
}: {
  item: LoraItem;
  /** Position in the whole list; tests and the paint benchmark find the last card by it. */
  index: number;
  selected: boolean;
  onOpen: (id: number) => void;
}) {
  const name = displayName(item);
  const base = baseLabel(item.baseModel);
  const tags = item.tags.slice(0, 3);
  return (
    <div
      role="listitem"
      aria-label={name}
      className={styles.cardCell}
      data-lora-card={item.id}
      data-index={index}
    >
      <button
        type="button"
        className={`${styles.card} ${selected ? styles.cardSelected : ''}`}
        onClick={() => onOpen(item.id)}
        title={item.path}
      >
        <span className={styles.preview}>
          <LoraPreview item={item} />
          <span className={styles.badges}>
            {base ? <span className={styles.baseBadge}>{base}</span> : null}
            {item.duplicateCount > 0 ? (
              <span
                className={styles.dupBadge}
                title={`${item.duplicateCount} other ${item.duplicateCount === 1 ? 'copy' : 'copies'} of these weights`}
              >
                {`×${item.duplicateCount + 1}`}
              </span>
            ) : null}
          </span>
          {item.scanState === 'error' ? (
            <span className={styles.errorMark} title={item.error ?? 'This file could not be read'}>
              Error
            </span>
          ) : null}
        </span>
        <span className={styles.cardBody}>
          <span className={styles.cardName}>{name}</span>
          <span className={styles.cardTags}>
            {tags.length === 0 ? (
              <span className={styles.cardMeta}>
                {[item.versionName === name ? null : item.versionName, formatBytes(item.size)]
                  .filter(Boolean)
                  .join(' · ')}
              </span>
            ) : (
              tags.map((tag) => (
                <span key={tag} className={styles.tag}>
                  {tag}
                </span>
              ))
            )}
          </span>
        </span>
      </button>
    </div>
  );
});

export function SkeletonCard() {
  return (
    <div className={`${styles.cardCell} ${styles.skeleton}`} aria-hidden="true">
      <span className={styles.skeletonPreview} />
      <span className={styles.skeletonLine} />
    </div>
  );
}
