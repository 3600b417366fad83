import { useEffect, useRef, useState } from 'react';
import { fromDataTransfer } from './collectFiles';
import type { InputFile } from '../worker/protocol';

interface Props {
  onFiles: (files: InputFile[]) => void;
  onError: (message: string) => void;
}

function hasFiles(e: DragEvent): boolean {
  return !!e.dataTransfer && Array.from(e.dataTransfer.types).includes('Files');
}

/**
 * Makes the whole window a drop target for files, folders (walked recursively), several
 * folders at once and zips; shows an overlay while something is dragged over it.
 */
export function DropZone({ onFiles, onError }: Props) {
  const [over, setOver] = useState(false);
  const depth = useRef(0);
  const handlers = useRef({ onFiles, onError });
  handlers.current = { onFiles, onError };

  useEffect(() => {
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth.current++;
      setOver(true);
    };
    const overFn = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const leave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setOver(false);
    };
    const drop = (e: DragEvent) => {
      if (!e.dataTransfer) return;
      e.preventDefault();
      depth.current = 0;
      setOver(false);
      fromDataTransfer(e.dataTransfer).then(
        (files) => handlers.current.onFiles(files),
        (err: unknown) =>
          handlers.current.onError(
            `Could not read the dropped items (${err instanceof Error ? err.message : String(err)}). Try the Open files or Open folder buttons.`,
          ),
      );
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', overFn);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', overFn);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, []);

  return (
    <div className={`drop-overlay${over ? ' drop-overlay--visible' : ''}`} aria-hidden={!over} data-testid="drop-zone">
      <div className="drop-overlay__card">
        <div className="drop-overlay__title">Drop to open</div>
        <div className="muted">DICOM files or folders (several at once), .zip, DICOMDIR, NIfTI (.nii, .nii.gz)</div>
      </div>
    </div>
  );
}
