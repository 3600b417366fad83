import { keyName, useKeydown } from '../useKeydown';

export interface ReviewKeyActions {
  undo: () => void;
  redo: () => void;
  next: () => void;
  previous: () => void;
  remove: () => void;
  toggleNotEvaluable: () => void;
  add: () => void;
}

/**
 * The review's keys: Ctrl+Z undo, Ctrl+Shift+Z (or Ctrl+Y) redo, ↓/↑ (or J/K) next/previous
 * vertebra, Delete remove it, N not evaluable, Insert add one. Ignored while typing in a field.
 */
export function useReviewKeys(a: ReviewKeyActions, enabled: boolean): void {
  useKeydown((e) => {
    const key = keyName(e);
    if ((e.ctrlKey || e.metaKey) && !e.altKey) {
      if (key === 'z') return e.shiftKey ? a.redo : a.undo;
      return key === 'y' ? a.redo : null;
    }
    if (e.altKey || e.shiftKey || e.ctrlKey || e.metaKey) return null;
    if (key === 'ArrowDown' || key === 'j') return a.next;
    if (key === 'ArrowUp' || key === 'k') return a.previous;
    if (key === 'Delete' || key === 'Backspace') return a.remove;
    if (key === 'n') return a.toggleNotEvaluable;
    if (key === 'Insert') return a.add;
    return null;
  }, enabled);
}
