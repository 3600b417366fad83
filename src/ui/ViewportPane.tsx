import { forwardRef } from 'react';
import type { OrientationLabels, ViewName } from './cornerstone/mprViewer';
import { VIEW_COLORS } from './cornerstone/mprViewer';

interface Props {
  name: ViewName;
  title: string;
  labels: OrientationLabels | null;
}

/** One view: the element Cornerstone draws into, its title and patient-direction letters. */
export const ViewportPane = forwardRef<HTMLDivElement, Props>(function ViewportPane({ name, title, labels }, ref) {
  return (
    <div className={`pane pane--${name}`}>
      <div
        ref={ref}
        className="pane__viewport"
        data-testid={`viewport-${name}`}
        onContextMenu={(e) => e.preventDefault()}
      />
      <div className="pane__title" style={{ borderColor: VIEW_COLORS[name] }}>
        {title}
      </div>
      {labels && (
        <>
          <span className="pane__orient pane__orient--top">{labels.top}</span>
          <span className="pane__orient pane__orient--bottom">{labels.bottom}</span>
          <span className="pane__orient pane__orient--left">{labels.left}</span>
          <span className="pane__orient pane__orient--right">{labels.right}</span>
        </>
      )}
    </div>
  );
});
