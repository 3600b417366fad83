import { useMemo } from 'react';
import { ALL_LEVELS, canRedo, canUndo, editedSummary, levelsSetByPerson } from '../../core/review';
import { levelsCaveat, summaryText } from '../../core/report/summaryText';
import { VertebraTable } from '../VertebraTable';
import type { Review } from './useReview';

export type ExportKind = 'pdf' | 'json' | 'csv';

interface Props {
  review: Review;
  shown: Review['ai'];
  deidentify: boolean;
  exporting: ExportKind | null;
  onDeidentify: (on: boolean) => void;
  onExport: (kind: ExportKind) => void;
  onSelect: (id: string) => void;
  onAdd: () => void;
  onDelete: (id: string) => void;
  onLevel: (id: string, level: string) => void;
  onNotEvaluable: (id: string, flag: boolean) => void;
  onUndo: () => void;
  onRedo: () => void;
  onRestoreAi: () => void;
}

function savedText(review: Review): string {
  if (review.saveError) return review.saveError;
  if (!review.savedAt) return 'Not saved yet.';
  return `Saved in this browser at ${new Date(review.savedAt).toLocaleTimeString()}.`;
}

/** The sidebar's review: the summary, the edit controls, the table, the exports. */
export function ReviewPanel(props: Props) {
  const { review, shown, deidentify, exporting } = props;
  const aiIds = useMemo(() => new Set(review.ai.vertebrae.map((v) => v.id)), [review.ai]);
  const selected = shown.vertebrae.find((v) => v.id === review.selectedId) ?? null;
  const edited = review.history.present !== review.ai;
  const caveat = useMemo(() => levelsCaveat(shown.vertebrae, levelsSetByPerson(editedSummary(review.ai, shown))), [review.ai, shown]);
  return (
    <section className="panel review" aria-label="Review" data-testid="review-panel" data-origin={review.origin}>
      <h2 className="panel__title">Review</h2>
      {review.origin === 'restored' && (
        <p className="message message--info" data-testid="review-restored">
          Your saved review of this series was restored.
        </p>
      )}
      <p className="review__summary" data-testid="review-summary">
        {summaryText(shown)}
      </p>
      {caveat && (
        <p className="review__caveat" data-testid="review-levels-caveat">
          {caveat}
        </p>
      )}
      <div className="review__actions">
        <button type="button" className="btn" onClick={props.onUndo} disabled={!canUndo(review.history)} title="Undo (Ctrl+Z)" data-testid="undo">
          Undo
        </button>
        <button type="button" className="btn" onClick={props.onRedo} disabled={!canRedo(review.history)} title="Redo (Ctrl+Shift+Z)" data-testid="redo">
          Redo
        </button>
        <button type="button" className="btn" onClick={props.onAdd} title="Add a vertebra: a template to adjust (Insert)" data-testid="add-vertebra">
          Add
        </button>
        <button
          type="button"
          className="btn"
          onClick={props.onRestoreAi}
          disabled={!edited}
          title="Show the AI's result again (your edits stay reachable with Undo)"
          data-testid="restore-ai"
        >
          Restore AI
        </button>
      </div>
      <div className="review__export">
        <label title="Leave the patient's name, ID, birth date and the UIDs out of the PDF">
          <input type="checkbox" checked={deidentify} onChange={(e) => props.onDeidentify(e.target.checked)} data-testid="deidentify" /> De-identify PDF
        </label>
        <div className="review__actions">
          {(['pdf', 'json', 'csv'] as const).map((kind) => (
            <button
              key={kind}
              type="button"
              className={kind === 'pdf' ? 'btn btn--primary' : 'btn'}
              onClick={() => props.onExport(kind)}
              disabled={exporting !== null}
              data-testid={`export-${kind}`}
            >
              {exporting === kind ? 'Exporting…' : kind.toUpperCase()}
            </button>
          ))}
        </div>
      </div>
      {selected && (
        <div className="review__selected" data-testid="selected-vertebra" data-id={selected.id}>
          <label>
            Level{' '}
            <select value={selected.level ?? ''} onChange={(e) => props.onLevel(selected.id, e.target.value)} data-testid="level-select">
              {selected.level === null && <option value="">–</option>}
              {ALL_LEVELS.map((l) => (
                <option key={l} value={l}>
                  {l}
                </option>
              ))}
            </select>
          </label>
          <label title="Too degenerate, cemented or cut off to grade (N)">
            <input
              type="checkbox"
              checked={Boolean(selected.notEvaluable)}
              onChange={(e) => props.onNotEvaluable(selected.id, e.target.checked)}
              data-testid="not-evaluable"
            />{' '}
            Not evaluable
          </label>
          <button type="button" className="btn btn--danger" onClick={() => props.onDelete(selected.id)} title="Delete this vertebra (Delete)" data-testid="delete-vertebra">
            Delete
          </button>
        </div>
      )}
      <VertebraTable vertebrae={shown.vertebrae} selectedId={review.selectedId} onSelect={props.onSelect} aiIds={aiIds} />
      <p className={review.saveError ? 'message message--error' : 'muted review__saved'} data-testid="review-saved">
        {savedText(review)}
      </p>
    </section>
  );
}
