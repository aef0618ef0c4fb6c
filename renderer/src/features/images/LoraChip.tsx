import { formatWeight, loraName, type ImageLora } from './images.format';
import { libraryHref } from './images.search';
import styles from './Images.module.css';

/** A LoRA used for an image; one that matched a file in the Library links there. */
export function LoraChip({ lora }: { lora: ImageLora }) {
  const name = loraName(lora);
  const weight = formatWeight(lora.weight);
  const content = (
    <>
      <span className={styles.chipName}>{name}</span>
      {weight !== null ? <span className={styles.chipWeight}>{weight}</span> : null}
    </>
  );
  if (lora.loraFileId === null)
    return (
      <span className={styles.chip} title={`${name} — not in your Library`}>
        {content}
      </span>
    );
  return (
    <a
      className={`${styles.chip} ${styles.chipLinked}`}
      href={libraryHref(lora.loraFileId)}
      title={`Show ${name} in the Library`}
      onClick={(event) => event.stopPropagation()}
    >
      {content}
    </a>
  );
}

/** As many chips as fit one line would vary per card; a fixed number plus a count keeps the grid even. */
export function LoraChips({ loras, max = 2 }: { loras: readonly ImageLora[]; max?: number }) {
  if (loras.length === 0) return <span className={styles.noLoras}>No LoRAs</span>;
  const shown = loras.slice(0, max);
  const rest = loras.length - shown.length;
  return (
    <>
      {shown.map((lora, index) => (
        <LoraChip key={`${lora.loraFileId ?? lora.name ?? ''}-${index}`} lora={lora} />
      ))}
      {rest > 0 ? (
        <span
          className={styles.chipMore}
          title={loras
            .slice(max)
            .map((lora) => loraName(lora))
            .join(', ')}
        >
          +{rest}
        </span>
      ) : null}
    </>
  );
}
