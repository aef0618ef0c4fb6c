import { useState } from 'react';
import { useClient } from '../../api';
import { Icon } from '../../components/Icon';
import { hasLocalFile, promptExcerpt } from './images.format';
import type { ImageItem } from './images.pages';
import styles from './Images.module.css';

/**
 * Pixels only from this computer (through the host's media route). A dataset image without a local
 * file shows its prompt instead: fetching its Civitai URL would leak what the artist browses.
 */
export function ImageThumb({ item, kind }: { item: ImageItem; kind: 'thumbnail' | 'image' }) {
  const client = useClient();
  const [failed, setFailed] = useState(false);
  if (!hasLocalFile(item) || failed) return <PromptPlaceholder item={item} large={kind === 'image'} />;
  return (
    <img
      className={kind === 'image' ? styles.fullImage : styles.thumbImage}
      src={client.mediaUrl(kind, item.id)}
      alt={promptExcerpt(item.prompt, 24) || 'Generated image'}
      width={item.width ?? undefined}
      height={item.height ?? undefined}
      loading={kind === 'thumbnail' ? 'lazy' : 'eager'}
      decoding="async"
      draggable={false}
      onError={() => setFailed(true)}
    />
  );
}

function PromptPlaceholder({ item, large }: { item: ImageItem; large: boolean }) {
  const excerpt = promptExcerpt(item.prompt, large ? 40 : 14);
  return (
    <div className={`${styles.placeholder} ${large ? styles.placeholderLarge : ''}`}>
      <Icon name="image" size={large ? 28 : 18} className={styles.placeholderIcon} />
      <p className={styles.placeholderText}>{excerpt || 'No prompt recorded'}</p>
      {large || item.source === 'local' ? (
        <span className={styles.placeholderNote}>
          {item.source === 'imagegem'
            ? 'From the ImageGem dataset; the image itself is not on this computer.'
            : 'The file is no longer where it was scanned.'}
        </span>
      ) : null}
    </div>
  );
}
