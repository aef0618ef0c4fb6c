import { compactCount, reactionLabels, wholeCount } from './images.format';
import type { ImageItem } from './images.pages';
import { REACTION_KINDS } from './images.search';
import { ReactionIcon } from './ReactionIcon';
import { useReaction } from './useReaction';
import styles from './Images.module.css';

/**
 * The artist's own four reactions, as toggles. For ImageGem images the dataset's totals sit beside
 * them, so the artist sees what Civitai users thought without it being mixed into their own taste.
 */
export function ReactionBar({ item, size = 'small' }: { item: ImageItem; size?: 'small' | 'large' }) {
  const { toggle, error } = useReaction(item.id);
  return (
    <div
      className={`${styles.reactions} ${size === 'large' ? styles.reactionsLarge : ''}`}
      role="group"
      aria-label="Reactions"
      title={error ? `Could not save the reaction: ${error.message}` : undefined}
    >
      {REACTION_KINDS.map((kind) => {
        const on = item.reactions[kind];
        const count = item.reactionCounts?.[kind];
        return (
          <button
            key={kind}
            type="button"
            className={`${styles.reaction} ${styles[kind]} ${on ? styles.reactionOn : ''}`}
            aria-pressed={on}
            aria-label={reactionLabels[kind].name}
            title={
              count === undefined
                ? reactionLabels[kind].name
                : `${reactionLabels[kind].name} · ${wholeCount(count)} on Civitai`
            }
            onClick={(event) => {
              // Cards open the detail panel on click; a reaction is not a request to open it.
              event.stopPropagation();
              toggle(kind, item.reactions);
            }}
          >
            <ReactionIcon kind={kind} filled={on} size={size === 'large' ? 18 : 15} />
            {/* A row of zeros is noise; the tooltip still says 0. */}
            {count ? <span className={styles.reactionCount}>{compactCount(count)}</span> : null}
          </button>
        );
      })}
    </div>
  );
}
