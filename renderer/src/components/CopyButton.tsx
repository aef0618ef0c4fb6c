import { useEffect, useState } from 'react';
import { Icon } from './Icon';
import styles from './CopyButton.module.css';

const CONFIRM_MS = 1500;

/** Copies `text` and says so for a moment; the label names what is copied for screen readers. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');

  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), CONFIRM_MS);
    return () => clearTimeout(timer);
  }, [state]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
  }

  return (
    <button
      type="button"
      className={`${styles.copy} ${state === 'copied' ? styles.copied : ''}`}
      aria-label={`Copy ${label}`}
      title={state === 'failed' ? 'Copying is not allowed here; select the text instead' : `Copy ${label}`}
      onClick={() => void copy()}
    >
      <Icon name={state === 'copied' ? 'check' : 'copy'} size={14} />
      <span className={styles.text} aria-live="polite">
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Not allowed' : ''}
      </span>
    </button>
  );
}
