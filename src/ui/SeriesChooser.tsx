import type { SeriesSummary } from '../core/ingest/types';
import { formatDimensions, formatSpacing } from './format';

interface Props {
  series: SeriesSummary[];
  selectedId: string | null;
  disabled: boolean;
  onChoose: (id: string) => void;
}

/** Lists the series of the study when there is a choice to make; unusable ones are shown, greyed. */
export function SeriesChooser({ series, selectedId, disabled, onChoose }: Props) {
  // One series is simply loaded; a single one is still offered when it was not loaded by default.
  if (series.length < 2 && !(series.length === 1 && series[0].usable && selectedId === null)) return null;
  return (
    <section className="panel series" aria-label="Series" data-testid="series-chooser">
      <h2 className="panel__title">Series ({series.length})</h2>
      <ul className="series__list">
        {series.map((s) => {
          const selected = s.id === selectedId;
          return (
            <li key={s.id}>
              <button
                type="button"
                className={`series__item${selected ? ' series__item--selected' : ''}`}
                disabled={disabled || !s.usable || selected}
                aria-pressed={selected}
                onClick={() => onChoose(s.id)}
                data-testid={`series-${s.id}`}
                title={s.warnings.join('\n') || undefined}
              >
                <span className="series__desc">{s.description || '(no description)'}</span>
                <span className="series__meta">
                  {s.modality} · {formatDimensions(s.dimensions)} · {formatSpacing(s.spacingMm)}
                </span>
                {!s.usable && <span className="series__warn">{s.warnings[0] ?? 'Not usable'}</span>}
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
