import { useMemo, useState } from 'react';
import { useMethodQuery } from '../../api';
import { EmptyState } from '../../components/EmptyState';
import { Panel } from '../../components/Panel';
import { ProgressBar } from '../../components/ProgressBar';
import { DirectionForm } from './DirectionForm';
import { DirectionList } from './DirectionList';
import { DirectionSliders } from './DirectionSliders';
import { EditorError } from './EditorError';
import {
  clamp,
  convertStrengths,
  previewInput,
  resolvePlotAxes,
  sliderRange,
  type PathPoint,
  type PlotAxes,
  type PreviewInput,
  type Readout,
  type SpaceInfo,
  type SpaceSummary,
} from './editor.format';
import { EditSummary } from './EditSummary';
import type { PickedLora } from './LoraPicker';
import { PreviewArea } from './PreviewArea';
import { ProjectionPlot } from './ProjectionPlot';
import { SpaceDetails } from './SpaceDetails';
import { usePreview } from './usePreview';
import styles from './Editor.module.css';

export function SpaceWorkspace({
  summary,
  lora,
  onSpaceRemoved,
}: {
  summary: SpaceSummary;
  lora: PickedLora | null;
  onSpaceRemoved: () => void;
}) {
  const info = useMethodQuery('w2w.info', { space: summary.name });
  if (info.error) return <EditorError error={info.error} action="list" />;
  if (!info.data)
    return (
      <div className={styles.loading} role="status">
        <span>Opening {summary.name}…</span>
        <ProgressBar value={null} label="Opening the space" />
      </div>
    );
  return <Workspace info={info.data} lora={lora} onSpaceRemoved={onSpaceRemoved} />;
}

function Workspace({
  info,
  lora,
  onSpaceRemoved,
}: {
  info: SpaceInfo;
  lora: PickedLora | null;
  onSpaceRemoved: () => void;
}) {
  const names = useMemo(() => info.directions.map((direction) => direction.name), [info.directions]);
  const units = useMemo(
    () => Object.fromEntries(info.directions.map((direction) => [direction.name, direction.unit])),
    [info.directions],
  );
  const [chosenList, setChosen] = useState<string[]>(() => names.slice(0, 1));
  const [strengths, setStrengths] = useState<Record<string, number>>({});
  const [raw, setRaw] = useState(false);
  const [pickedAxes, setAxes] = useState<PlotAxes | null>(null);
  const chosen = chosenList.filter((name) => names.includes(name));
  const axes = resolvePlotAxes(pickedAxes, chosen, names);

  const state = lora ? { space: info.name, lora: lora.path, chosen, strengths, raw } : null;
  const input = state && (chosen.length > 0 || axes) ? previewInput(state, axes) : null;
  const trailKey = JSON.stringify([info.name, lora?.path ?? null, axes?.x ?? null, axes?.y ?? null]);
  const { preview, error, busy, path } = usePreview(input, trailKey);
  const readouts = useMemo(
    () => new Map<string, Readout>((preview?.readouts ?? []).map((readout) => [readout.direction, readout])),
    [preview],
  );
  const origin = useOrigin(info.name, lora?.path ?? null, axes);

  function setStrength(name: string, value: number) {
    const range = sliderRange(raw, units[name] ?? 1);
    setStrengths((current) => ({ ...current, [name]: clamp(value, range) }));
  }

  function toggle(name: string) {
    setChosen((current) =>
      current.includes(name)
        ? current.filter((entry) => entry !== name)
        : [...current.filter((entry) => names.includes(entry)), name],
    );
  }

  function switchUnits(next: boolean) {
    if (next === raw) return;
    setStrengths((current) => convertStrengths(current, units, next));
    setRaw(next);
  }

  const anyStrength = chosen.some((name) => (strengths[name] ?? 0) !== 0);

  return (
    <>
      <div className={styles.workspace}>
        <div className={styles.column}>
          <Panel
            title="Strengths"
            description="Slide along a direction; the read-outs follow as you drag. Normalized strengths are standard deviations of the collection."
          >
            {info.directions.length === 0 ? (
              <EmptyState icon="sparkle" title="No directions yet">
                A direction is a way LoRAs differ — anime against realistic, ink against paint. Teach this
                space one from tags below, then its slider appears here.
              </EmptyState>
            ) : lora === null ? (
              <EmptyState icon="file" title="No LoRA picked">
                Search the Library above and pick the LoRA to move. Any SDXL LoRA works, member of the space
                or not.
              </EmptyState>
            ) : (
              <>
                <DirectionSliders
                  directions={info.directions}
                  chosen={chosen}
                  strengths={strengths}
                  raw={raw}
                  readouts={readouts}
                  onStrength={setStrength}
                  onToggle={toggle}
                  onFlip={(name) => setStrength(name, -(strengths[name] ?? 0))}
                  onRaw={switchUnits}
                />
                {error ? <EditorError error={error} action="preview" /> : null}
                <EditSummary
                  space={info.name}
                  lora={lora}
                  preview={preview}
                  busy={busy}
                  directions={chosen.map((direction) => ({ direction, strength: strengths[direction] ?? 0 }))}
                  raw={raw}
                  anyStrength={anyStrength}
                  onReset={() => setStrengths({})}
                />
              </>
            )}
          </Panel>
        </div>
        <div className={styles.column}>
          <Panel
            title="Collection map"
            description="Every LoRA of the space on two directions; the white trail is the edited LoRA."
          >
            {axes ? (
              <ProjectionPlot
                space={info.name}
                directions={names}
                axes={axes}
                onAxes={setAxes}
                path={path}
                origin={origin}
              />
            ) : (
              <p className={styles.quiet}>The map needs a direction: learn one below.</p>
            )}
          </Panel>
          <PreviewArea />
        </div>
      </div>
      <div className={styles.lower}>
        <DirectionList directions={info.directions} />
        <DirectionForm
          space={info.name}
          existing={names}
          onLearned={(name) =>
            setChosen((current) => (current.includes(name) ? current : [...current, name]))
          }
        />
        <SpaceDetails info={info} onRemoved={onSpaceRemoved} />
      </div>
    </>
  );
}

/** Where the LoRA sits before any edit, on the plot's axes (raw units): one preview at strength 0. */
function useOrigin(space: string, lora: string | null, axes: PlotAxes | null): PathPoint | null {
  const input: PreviewInput = {
    space,
    lora: lora ?? '',
    directions: axes ? [{ direction: axes.x, strength: 0 }] : [],
    ...(axes ? { plot: [axes.x, axes.y ?? '@pc1'] as [string, string] } : {}),
  };
  const origin = useMethodQuery('w2w.preview', input, {
    enabled: lora !== null && axes !== null,
    staleTime: Infinity,
  });
  const data = origin.data;
  if (!data || lora === null || axes === null) return null;
  if (data.point) return data.point;
  const x = data.readouts[0]?.coefficient;
  return x === undefined ? null : { x, y: 0 };
}
