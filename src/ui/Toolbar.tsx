import { WINDOW_PRESETS, type WindowPreset } from './cornerstone/presets';
import type { ToolMode } from './cornerstone/mprViewer';

interface Props {
  enabled: boolean;
  presetId: WindowPreset['id'] | null;
  mode: ToolMode;
  onPreset: (preset: WindowPreset) => void;
  onMode: (mode: ToolMode) => void;
  onReset: () => void;
}

const MODES: { mode: ToolMode; label: string; key: string; hint: string }[] = [
  { mode: 'windowLevel', label: 'Window', key: 'Esc', hint: 'Left drag changes window and level' },
  { mode: 'crosshairs', label: 'Crosshairs', key: 'C', hint: 'Left click or drag moves the linked crosshairs' },
  { mode: 'ruler', label: 'Ruler', key: 'R', hint: 'Left drag measures a distance in mm' },
];

/** Window presets and what the left mouse button does. */
export function Toolbar({ enabled, presetId, mode, onPreset, onMode, onReset }: Props) {
  return (
    <div className="toolbar" role="toolbar" aria-label="Viewer tools">
      <div className="toolbar__group" aria-label="Window presets">
        {WINDOW_PRESETS.map((p) => (
          <button
            key={p.id}
            type="button"
            className={`btn btn--tool${presetId === p.id ? ' btn--active' : ''}`}
            disabled={!enabled}
            aria-pressed={presetId === p.id}
            onClick={() => onPreset(p)}
            title={`W ${p.width} L ${p.level} (key ${p.key})`}
            data-testid={`preset-${p.id}`}
          >
            {p.label} <kbd>{p.key}</kbd>
          </button>
        ))}
      </div>
      <div className="toolbar__group" aria-label="Left mouse button">
        {MODES.map((m) => (
          <button
            key={m.mode}
            type="button"
            className={`btn btn--tool${mode === m.mode ? ' btn--active' : ''}`}
            disabled={!enabled}
            aria-pressed={mode === m.mode}
            onClick={() => onMode(m.mode)}
            title={`${m.hint} (key ${m.key})`}
            data-testid={`tool-${m.mode}`}
          >
            {m.label} <kbd>{m.key}</kbd>
          </button>
        ))}
        <button type="button" className="btn btn--tool" disabled={!enabled} onClick={onReset} title="Reset view: zoom, pan and slices back to the start">
          Reset
        </button>
      </div>
    </div>
  );
}
