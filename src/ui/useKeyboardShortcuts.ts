import { keyName, useKeydown } from './useKeydown';

/** Single-key shortcuts (no modifiers), ignored while typing in a form field. */
export function useKeyboardShortcuts(bindings: Record<string, () => void>, enabled: boolean): void {
  useKeydown((e) => (e.ctrlKey || e.metaKey || e.altKey || e.repeat ? null : (bindings[keyName(e)] ?? null)), enabled);
}
