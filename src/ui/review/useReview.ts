/**
 * The clinician's review of one series: the AI result, the edited result with its undo/redo
 * history, the live preview of a drag, the selected vertebra, and the copy saved in IndexedDB.
 * Every intent from the view, the table or the keyboard ends here as a pure edit of the core
 * (src/core/review); this hook only keeps state and saves it.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Straightening } from '../../core/geometry/straighten';
import type { AnalysisResult } from '../../core/pipeline/result';
import * as edits from '../../core/review';
import { createHistory, push, redo, straighteningOf, undo, type History } from '../../core/review';
import { volumeReviewKey } from '../../core/review/volumeReviewKey';
import type { Volume } from '../../core/volume';
import { loadReview, saveReview, deleteReview } from '../storage/reviewStore';

type Points = readonly (readonly number[])[];

export interface Review {
  /** volumeReviewKey of the volume: where the review is saved. */
  key: string;
  ai: AnalysisResult;
  history: History<AnalysisResult>;
  /** Set while a handle is being dragged: what the table shows live. */
  preview: AnalysisResult | null;
  straightening: Straightening;
  selectedId: string | null;
  /** Where the shown result came from. */
  origin: 'analysis' | 'restored';
  savedAt: string | null;
  saveError: string | null;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function fresh(key: string, ai: AnalysisResult, current: AnalysisResult, origin: Review['origin'], savedAt: string | null): Review {
  return {
    key,
    ai,
    history: createHistory(current),
    preview: null,
    straightening: straighteningOf(current),
    selectedId: null,
    origin,
    savedAt,
    saveError: null,
  };
}

export function useReview(volume: Volume | null, analysed: AnalysisResult | null) {
  const [review, setReview] = useState<Review | null>(null);
  const [error, setError] = useState<string | null>(null);
  const latest = useRef(review);
  latest.current = review;

  // A new volume: drop the last review, then bring back a saved one for this series.
  useEffect(() => {
    setReview(null);
    setError(null);
    if (!volume) return;
    const key = volumeReviewKey(volume);
    let alive = true;
    loadReview(key).then(
      (saved) => {
        if (!alive || !saved || latest.current) return;
        try {
          setReview(fresh(key, saved.ai, saved.current, 'restored', saved.savedAt));
        } catch (err) {
          setError(`Saved edits of this series could not be restored: ${describe(err)}`);
        }
      },
      (err: unknown) => alive && setError(`Saved edits could not be read: ${describe(err)}`),
    );
    return () => {
      alive = false;
    };
  }, [volume]);

  // A finished analysis: it becomes the AI result and what is shown.
  useEffect(() => {
    if (!analysed || !volume) return;
    try {
      setReview(fresh(volumeReviewKey(volume), analysed, analysed, 'analysis', null));
      setError(null);
    } catch (err) {
      setError(`The result cannot be reviewed: ${describe(err)}`);
    }
  }, [analysed]);

  // Save after every change of the present result (not of the preview or the selection).
  const present = review?.history.present ?? null;
  useEffect(() => {
    const r = latest.current;
    if (!r || !present) return;
    const savedAt = new Date().toISOString();
    saveReview({ key: r.key, ai: r.ai, current: present, savedAt }).then(
      () => setReview((cur) => (cur && cur.history.present === present ? { ...cur, savedAt, saveError: null } : cur)),
      (err: unknown) =>
        setReview((cur) => (cur ? { ...cur, saveError: `Your edits are not being saved in this browser: ${describe(err)}. Export the JSON to keep them.` } : cur)),
    );
  }, [present]);

  /** Applies an edit to the present result and records it for undo. */
  const apply = useCallback((edit: (current: AnalysisResult, s: Straightening) => AnalysisResult, select?: (before: AnalysisResult) => string | null) => {
    setReview((r) => {
      if (!r) return r;
      try {
        const next = edit(r.history.present, r.straightening);
        return { ...r, history: push(r.history, next), preview: null, selectedId: select ? select(r.history.present) : r.selectedId };
      } catch (err) {
        setError(describe(err));
        return r;
      }
    });
  }, []);

  const actions = useMemo(
    () => ({
      preview(id: string, pointsPx: Points) {
        setReview((r) => (r ? { ...r, preview: edits.setKeypoints(r.history.present, r.straightening, id, pointsPx) } : r));
      },
      cancelPreview() {
        setReview((r) => (r ? { ...r, preview: null } : r));
      },
      commit(id: string, pointsPx: Points) {
        apply((cur, s) => edits.setKeypoints(cur, s, id, pointsPx));
      },
      select(id: string | null) {
        setReview((r) => (r && r.selectedId !== id ? { ...r, selectedId: id } : r));
      },
      /** Selects the next (+1) or previous (−1) vertebra, superior → inferior. */
      step(delta: 1 | -1) {
        setReview((r) => {
          if (!r) return r;
          const list = r.history.present.vertebrae;
          if (list.length === 0) return r;
          const at = list.findIndex((v) => v.id === r.selectedId);
          const next = at < 0 ? (delta > 0 ? 0 : list.length - 1) : Math.max(0, Math.min(list.length - 1, at + delta));
          return { ...r, selectedId: list[next].id };
        });
      },
      /** Drops a template vertebra at (column, row) of the image, selected for adjusting. */
      addAt(centrePx: [number, number]) {
        apply((cur, s) => edits.addVertebra(cur, s, edits.templateAt(cur, s, centrePx)), (before) => edits.nextVertebraId(before));
      },
      remove(id: string) {
        apply((cur) => edits.deleteVertebra(cur, id), () => null);
      },
      setLevel(id: string, level: string) {
        apply((cur) => edits.setLevel(cur, id, level));
      },
      setNotEvaluable(id: string, flag: boolean) {
        apply((cur) => edits.setNotEvaluable(cur, id, flag));
      },
      undo() {
        setReview((r) => (r ? { ...r, history: undo(r.history), preview: null } : r));
      },
      redo() {
        setReview((r) => (r ? { ...r, history: redo(r.history), preview: null } : r));
      },
      /** Back to the AI's result; the edits stay reachable with Undo. */
      restoreAi() {
        setReview((r) => (r ? { ...r, history: push(r.history, r.ai), preview: null } : r));
      },
      /** Forgets the saved edits of this series (the result on screen stays until reload). */
      async forget() {
        const key = latest.current?.key;
        if (key) await deleteReview(key);
      },
    }),
    [apply],
  );

  const shown = review ? (review.preview ?? review.history.present) : null;
  return { review, shown, error, actions, dismissError: () => setError(null) };
}
