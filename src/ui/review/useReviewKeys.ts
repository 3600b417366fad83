import { useEffect, useRef } from 'react';

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
export function useReviewKeys(actions: ReviewKeyActions, enabled: boolean): void {
  const ref = useRef(actions);
  ref.current = actions;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName))) return;
      const a = ref.current;
      const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
      const command = e.ctrlKey || e.metaKey;
      let action: (() => void) | null = null;
      if (command && !e.altKey) {
        if (key === 'z') action = e.shiftKey ? a.redo : a.undo;
        else if (key === 'y') action = a.redo;
      } else if (!e.altKey && !e.shiftKey) {
        if (key === 'ArrowDown' || key === 'j') action = a.next;
        else if (key === 'ArrowUp' || key === 'k') action = a.previous;
        else if (key === 'Delete' || key === 'Backspace') action = a.remove;
        else if (key === 'n') action = a.toggleNotEvaluable;
        else if (key === 'Insert') action = a.add;
      }
      if (action) {
        e.preventDefault();
        action();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled]);
}
