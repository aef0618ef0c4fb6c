import { Link } from '@tanstack/react-router';
import { Icon } from '../../components/Icon';
import styles from './Editor.module.css';

/** Where rendered previews of the edited LoRA will appear once a generator is set up. */
export function PreviewArea() {
  return (
    <section className={styles.previewArea} aria-label="Image preview">
      <div className={styles.previewFrame}>
        <Icon name="image" size={28} />
      </div>
      <div>
        <h2 className={styles.previewTitle}>Image previews</h2>
        <p className={styles.quiet}>
          Seeing the edit as pictures needs a generator — a ComfyUI server or a local SDXL model — which comes
          in a later release. Meanwhile the read-outs and the map show where the LoRA is heading, and an
          export loads in ComfyUI as is.
        </p>
        <Link to="/settings" className={styles.previewLink}>
          Generator settings
        </Link>
      </div>
    </section>
  );
}
