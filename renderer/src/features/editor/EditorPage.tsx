import { useState } from 'react';
import { useMethodQuery } from '../../api';
import { EmptyState } from '../../components/EmptyState';
import { ProgressBar } from '../../components/ProgressBar';
import { useRefreshOnJobDone } from '../../components/useRefreshOnJobDone';
import { EditorError } from './EditorError';
import { LoraPicker, type PickedLora } from './LoraPicker';
import { SpaceForm } from './SpaceForm';
import { SpacePicker } from './SpacePicker';
import { SpaceWorkspace } from './SpaceWorkspace';
import styles from './Editor.module.css';

/** The weights2weights editor: a weight space over the collection, directions in it, and sliders along them. */
export function EditorPage() {
  const spaces = useMethodQuery('w2w.list', {});
  useRefreshOnJobDone(['w2w.list', 'w2w.info', 'w2w.project']);
  const [picked, setPicked] = useState<string | null>(null);
  const [lora, setLora] = useState<PickedLora | null>(null);
  const [creating, setCreating] = useState(false);

  const list = spaces.data ?? [];
  const space = list.find((entry) => entry.name === picked) ?? list[0];

  function built(name: string) {
    setPicked(name);
    setCreating(false);
  }

  return (
    <div className={styles.page}>
      <header className={styles.header}>
        <h1>Editor</h1>
        <p className={styles.intro}>
          Move a LoRA along directions learned from your collection — more anime, less photographic, closer to
          your taste — and export the result as a new file. The original is never changed.
        </p>
      </header>

      {spaces.error ? (
        <EditorError error={spaces.error} action="list" />
      ) : spaces.isPending ? (
        <div className={styles.loading} role="status">
          <span>Loading weight spaces…</span>
          <ProgressBar value={null} label="Loading weight spaces" />
        </div>
      ) : space === undefined ? (
        <div className={styles.stack}>
          <EmptyState icon="editor" title="No weight spaces yet" action={<FirstSteps />}>
            A weight space is a map of your LoRAs: each becomes one point, and the main ways they differ
            become its axes. Three steps from here to a reshaped LoRA:
          </EmptyState>
          <SpaceForm taken={[]} onBuilt={built} />
        </div>
      ) : (
        <>
          <div className={styles.setup}>
            <SpacePicker
              spaces={list}
              value={space.name}
              onChange={setPicked}
              creating={creating}
              onCreate={() => setCreating((open) => !open)}
            />
            <LoraPicker value={lora} onChange={setLora} />
          </div>
          {creating ? (
            <div className={styles.createBelow}>
              <SpaceForm
                taken={list.map((entry) => entry.name)}
                onBuilt={built}
                onCancel={() => setCreating(false)}
              />
            </div>
          ) : null}
          <SpaceWorkspace
            key={space.name}
            summary={space}
            lora={lora}
            onSpaceRemoved={() => setPicked(null)}
          />
        </>
      )}
    </div>
  );
}

/** The three moves of the editor, so the first visit shows where the form below leads. */
function FirstSteps() {
  return (
    <ol className={styles.steps} aria-label="How the editor works">
      <li>
        <strong>Build a weight space</strong>
        <span>over your SDXL LoRAs, below</span>
      </li>
      <li>
        <strong>Teach it a direction</strong>
        <span>from tags: anime against realistic</span>
      </li>
      <li>
        <strong>Pick a LoRA to reshape</strong>
        <span>slide it, then export to ComfyUI</span>
      </li>
    </ol>
  );
}
