import type { ReactNode } from 'react';

/** Covers the views while no volume is on screen: what to do, or what is happening. */
export function EmptyState({ children }: { children: ReactNode }) {
  return (
    <div className="empty-state" data-testid="empty-state">
      <div className="empty-state__card">{children}</div>
    </div>
  );
}
