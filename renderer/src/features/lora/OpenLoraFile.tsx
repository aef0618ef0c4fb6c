import { useNavigate } from '@tanstack/react-router';
import { useId, useState, type FormEvent } from 'react';
import { useClient } from '../../api';
import { ErrorNotice } from '../../components/Notice';
import styles from './Lora.module.css';

/**
 * Opens one LoRA file by path. Electron adds the native picker; the browser of serve mode cannot hand
 * out file paths, so there the path is pasted.
 */
export function OpenLoraFile({ label, initialPath = '' }: { label: string; initialPath?: string }) {
  const client = useClient();
  const navigate = useNavigate();
  const id = useId();
  const [path, setPath] = useState(initialPath);
  const [pickError, setPickError] = useState<unknown>(null);
  const trimmed = path.trim();

  function open(target: string) {
    void navigate({ to: '/library/lora', search: { path: target } });
  }

  async function pick() {
    if (!client.hostInvoke) return;
    setPickError(null);
    try {
      const picked = await client.hostInvoke('dialog.pickFile', {
        title: 'Open a LoRA file',
        extensions: ['safetensors'],
      });
      if (picked.path !== null) open(picked.path);
    } catch (error) {
      setPickError(error);
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (trimmed !== '') open(trimmed);
  }

  return (
    <form className={styles.openForm} onSubmit={submit}>
      <label className="label" htmlFor={id}>
        {label}
      </label>
      <div className={styles.openRow}>
        <input
          id={id}
          className="input mono"
          value={path}
          onChange={(event) => setPath(event.target.value)}
          placeholder={
            client.mode === 'electron'
              ? 'Choose a file, or paste its path'
              : 'Paste the path of a .safetensors file'
          }
          spellCheck={false}
          autoComplete="off"
          aria-describedby={`${id}-hint`}
        />
        <button type="submit" className="button" disabled={trimmed === ''}>
          Open
        </button>
        {client.hostInvoke ? (
          <button type="button" className="button" onClick={() => void pick()}>
            Choose file…
          </button>
        ) : null}
      </div>
      <p id={`${id}-hint`} className="hint">
        Atelier only reads the file. Pickled files (.ckpt, .pt) are refused, since opening one can run code.
      </p>
      {pickError ? <ErrorNotice error={pickError} /> : null}
    </form>
  );
}
