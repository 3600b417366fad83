import { useCallback, useState } from 'react';

/** A boolean setting that survives a reload (localStorage; in memory only where that is blocked). */
export function useStoredFlag(key: string, initial: boolean): [boolean, (on: boolean) => void] {
  const [value, setValue] = useState(() => {
    try {
      const stored = localStorage.getItem(key);
      return stored === null ? initial : stored === 'true';
    } catch {
      return initial;
    }
  });
  const set = useCallback(
    (on: boolean) => {
      setValue(on);
      try {
        localStorage.setItem(key, String(on));
      } catch {
        /* storage blocked: the setting lasts until the page closes */
      }
    },
    [key],
  );
  return [value, set];
}
