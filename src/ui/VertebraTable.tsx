import { useEffect, useRef } from 'react';
import type { VertebraResult } from '../core/pipeline/result';
import { gradeNames } from '../core/quantify/genant';
import { checkReason, needsCheck } from '../core/review/aiConfidence';
import { vertebraSource, type VertebraSource } from '../core/review/vertebraSource';
import { gradeColor } from './review/gradeStyle';


interface Props {
  vertebrae: readonly VertebraResult[];
  selectedId?: string | null;
  onSelect?: (id: string) => void;
  /** Ids the AI found: the others were added by a person. */
  aiIds?: ReadonlySet<string>;
}

const SOURCE_TITLES: Record<VertebraSource, string> = {
  AI: 'as the AI measured it',
  edited: 'edited by a person',
  added: 'added by a person',
  'not evaluable': 'marked not evaluable: left out of the summary',
};

/** One row per vertebra, superior → inferior: level, the three heights, G, grade, type, source. */
export function VertebraTable({ vertebrae, selectedId = null, onSelect, aiIds }: Props) {
  const selectedRow = useRef<HTMLTableRowElement>(null);
  // Braces: scroll methods return a promise in current Chromium, and an effect may return only a cleanup.
  useEffect(() => {
    selectedRow.current?.scrollIntoView({ block: 'nearest' });
  }, [selectedId]);
  // The review panel's summary above says why the table is empty and what to do.
  if (vertebrae.length === 0) return <p className="muted" data-testid="no-vertebrae">No vertebrae were found.</p>;
  return (
    <table className="data-table vertebra-table" data-testid="vertebra-table">
      <thead>
        <tr>
          <th scope="col">Level</th>
          <th scope="col" title="Anterior height, mm">
            h<sub>a</sub>
          </th>
          <th scope="col" title="Middle height, mm">
            h<sub>m</sub>
          </th>
          <th scope="col" title="Posterior height, mm">
            h<sub>p</sub>
          </th>
          <th scope="col" title="Genant ratio: shortest / longest height">
            G
          </th>
          <th scope="col" title="Genant grade: 0 normal, 1 mild, 2 moderate, 3 severe">
            Gr
          </th>
          <th scope="col">Type</th>
          <th scope="col" title="AI, edited or added by a person, or not evaluable; check: the AI is less sure of it">
            Src
          </th>
        </tr>
      </thead>
      <tbody>
        {vertebrae.map((v) => {
          const source = vertebraSource(v, aiIds);
          const check = needsCheck(v);
          const selected = v.id === selectedId;
          const classes = [
            v.notEvaluable ? 'data-table__row--ne' : v.grade >= 2 ? 'data-table__row--fracture' : v.grade === 1 ? 'data-table__row--mild' : '',
            selected ? 'data-table__row--selected' : '',
            onSelect ? 'data-table__row--clickable' : '',
          ].join(' ');
          return (
            <tr
              key={v.id}
              ref={selected ? selectedRow : undefined}
              className={classes.trim() || undefined}
              data-testid="vertebra-row"
              data-id={v.id}
              data-level={v.level ?? ''}
              data-grade={v.grade}
              data-source={source}
              data-check={check}
              data-selected={selected}
              aria-selected={selected}
              onClick={onSelect ? () => onSelect(v.id) : undefined}
            >
              <td>
                <span className="grade-swatch" style={{ background: gradeColor(v) }} />
                {v.level ?? '–'}
              </td>
              <td className="num" data-testid="height-anterior">{v.heightsMm.anterior.toFixed(1)}</td>
              <td className="num" data-testid="height-middle">{v.heightsMm.middle.toFixed(1)}</td>
              <td className="num" data-testid="height-posterior">{v.heightsMm.posterior.toFixed(1)}</td>
              <td className="num">{v.genantRatio.toFixed(2)}</td>
              <td className="num" title={gradeNames[v.grade]}>
                {v.grade}
              </td>
              <td>{v.grade > 0 && !v.notEvaluable ? v.type : <span className="muted">{v.type}</span>}</td>
              {check ? (
                // Still the AI's reading, one it is less sure of: the reader's first stop.
                <td title={checkReason(v)}>
                  <span className="check-badge" data-testid="check-badge">
                    check
                  </span>
                </td>
              ) : (
                <td title={SOURCE_TITLES[source]} className={source === 'AI' ? 'muted' : 'text--warn'}>
                  {source === 'not evaluable' ? 'n/e' : source}
                </td>
              )}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
