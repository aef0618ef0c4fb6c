import { useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { methodKey, useMethodMutation, useMethodQuery, type Settings, type SettingsPatch } from '../../api';
import { ErrorNotice, Notice } from '../../components/Notice';
import styles from './Settings.module.css';

const providerLabels: Record<Settings['executionProvider'], string> = {
  auto: 'Automatic (first available)',
  cuda: 'CUDA (NVIDIA)',
  dml: 'DirectML (Windows)',
  coreml: 'Core ML (Apple)',
  cpu: 'CPU',
};

export function PreferencesForm() {
  const settings = useMethodQuery('settings.get', {});
  if (settings.error) return <ErrorNotice error={settings.error} />;
  if (!settings.data) return <p className="hint">Loading settings…</p>;
  return <PreferencesFields saved={settings.data} />;
}

/** Holds a draft of the saved settings; only fields that differ are sent, so other windows' changes survive. */
function PreferencesFields({ saved }: { saved: Settings }) {
  const id = useId();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<Settings>(saved);
  const [justSaved, setJustSaved] = useState(false);
  const save = useMethodMutation('settings.set', {
    onSuccess: (next) => {
      queryClient.setQueryData(methodKey('settings.get', {}), next);
      setDraft(next);
      setJustSaved(true);
    },
  });

  const patch = changes(saved, draft);
  const dirty = Object.keys(patch).length > 0;

  function update(next: Partial<Settings>) {
    setDraft((current) => ({ ...current, ...next }));
    setJustSaved(false);
    save.reset();
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (dirty) save.mutate(patch);
  }

  return (
    <form className={styles.formGrid} onSubmit={submit} aria-label="Preferences">
      <div>
        <label className="label" htmlFor={`${id}-url`}>
          ComfyUI address
        </label>
        <input
          id={`${id}-url`}
          className="input mono"
          type="url"
          value={draft.comfyUiUrl}
          onChange={(event) => update({ comfyUiUrl: event.target.value })}
          spellCheck={false}
        />
        <p className="hint">Where a running ComfyUI listens; used for previews and exports.</p>
      </div>
      <div>
        <label className="label" htmlFor={`${id}-provider`}>
          Execution provider
        </label>
        <select
          id={`${id}-provider`}
          className="select"
          value={draft.executionProvider}
          onChange={(event) =>
            update({ executionProvider: event.target.value as Settings['executionProvider'] })
          }
        >
          {Object.entries(providerLabels).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        <p className="hint">
          Which hardware runs CLIP and SDXL. See About below for what this machine offers.
        </p>
      </div>
      <label className={`${styles.checkbox} ${styles.full}`}>
        <input
          type="checkbox"
          checked={draft.followSymlinks}
          onChange={(event) => update({ followSymlinks: event.target.checked })}
        />
        <span>
          Follow symbolic links when reading folders
          <span className={`hint ${styles.block}`}>
            Keep this on if your model folders link to a shared drive.
          </span>
        </span>
      </label>
      <div className={`${styles.actions} ${styles.full}`}>
        <button type="submit" className="button button--primary" disabled={!dirty || save.isPending}>
          {save.isPending ? 'Saving…' : 'Save preferences'}
        </button>
        {justSaved && !dirty ? <Notice tone="success">Saved</Notice> : null}
      </div>
      {save.error ? (
        <div className={styles.full}>
          <ErrorNotice error={save.error} />
        </div>
      ) : null}
    </form>
  );
}

function changes(saved: Settings, draft: Settings): SettingsPatch {
  const patch: SettingsPatch = {};
  if (draft.comfyUiUrl !== saved.comfyUiUrl) patch.comfyUiUrl = draft.comfyUiUrl;
  if (draft.executionProvider !== saved.executionProvider) patch.executionProvider = draft.executionProvider;
  if (draft.followSymlinks !== saved.followSymlinks) patch.followSymlinks = draft.followSymlinks;
  return patch;
}
