import { memo } from 'react';
import { promptExcerpt } from './images.format';
import type { ImageItem } from './images.pages';
import { ImageThumb } from './ImageThumb';
import { LoraChips } from './LoraChip';
import { ReactionBar } from './ReactionBar';
import styles from './Images.module.css';

function cardLabel(item: ImageItem): string {
  return promptExcerpt(item.prompt, 10) || `Image ${item.id}`;
}

/** Memoised: scrolling re-renders rows, and a card only needs to redraw when its own image changes. */
export const ImageCard = memo(function ImageCard({
  item,
  onOpen,
}: {
  item: ImageItem;
  onOpen: (id: number) => void;
}) {
  const label = cardLabel(item);
  return (
    <div className={styles.card} role="listitem" aria-label={label}>
      <button
        type="button"
        className={styles.thumb}
        aria-label={`Open details: ${label}`}
        onClick={() => onOpen(item.id)}
      >
        <ImageThumb item={item} kind="thumbnail" />
        {item.source === 'imagegem' ? <span className={styles.sourceBadge}>ImageGem</span> : null}
      </button>
      <div className={styles.cardFooter}>
        <div className={styles.chips}>
          <LoraChips loras={item.loras} max={1} />
        </div>
        <ReactionBar item={item} />
      </div>
    </div>
  );
});

export function SkeletonCard() {
  return (
    <div className={`${styles.card} ${styles.skeleton}`} aria-hidden="true">
      <div className={styles.thumb} />
      <div className={styles.cardFooter}>
        <span className={styles.skeletonLine} />
        <span className={styles.skeletonLine} style={{ width: '55%' }} />
      </div>
    </div>
  );
}
