import { useEffect, useRef } from 'react';

/**
 * A window keydown listener that ignores keys typed into a form field: `handle` returns the
 * action for an event, or null to let the key through.
 */
export function useKeydown(handle: (e: KeyboardEvent) => (() => void) | null, enabled: boolean): void {
  const ref = useRef(handle);
  ref.current = handle;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName))) return;
      const action = ref.current(e);
      if (action) {
        e.preventDefault();
        action();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled]);
}

/** The key as the bindings name it: letters lower case, others by name ("Escape", "ArrowUp"). */
export function keyName(e: KeyboardEvent): string {
  return e.key.length === 1 ? e.key.toLowerCase() : e.key;
}
