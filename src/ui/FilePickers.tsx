import { useRef, type ChangeEvent } from 'react';
import { fromFileList } from './collectFiles';
import type { InputFile } from '../worker/protocol';

interface Props {
  disabled?: boolean;
  onFiles: (files: InputFile[]) => void;
  onDemo: () => void;
  /** When given, a "Fracture demo" button beside "Demo CT". */
  onPhantomDemo?: () => void;
}

/** "Open files", "Open folder" (webkitdirectory), and the two demo buttons ("Demo CT", "Fracture demo"). */
export function FilePickers({ disabled, onFiles, onDemo, onPhantomDemo }: Props) {
  const filesRef = useRef<HTMLInputElement>(null);
  const folderRef = useRef<HTMLInputElement>(null);

  const picked = (e: ChangeEvent<HTMLInputElement>) => {
    const list = e.currentTarget.files;
    if (list && list.length > 0) onFiles(fromFileList(list));
    e.currentTarget.value = ''; // picking the same files again must fire again
  };

  return (
    <div className="pickers">
      <button type="button" className="btn btn--primary" disabled={disabled} onClick={() => filesRef.current?.click()}>
        Open files…
      </button>
      <button type="button" className="btn" disabled={disabled} onClick={() => folderRef.current?.click()}>
        Open folder…
      </button>
      {/* Short labels: the whole toolbar must fit 1280 px; the titles say the rest. */}
      <button type="button" className="btn" disabled={disabled} onClick={onDemo} data-testid="open-demo" title="Open the demo study: a real abdominal CT (TotalSegmentator example)">
        Demo CT
      </button>
      {onPhantomDemo && (
        <button
          type="button"
          className="btn"
          disabled={disabled}
          onClick={onPhantomDemo}
          data-testid="open-phantom-demo"
          title="Open the fracture phantom: a synthetic chest CT with fractures of every grade and type"
        >
          Fracture demo
        </button>
      )}
      <input
        ref={filesRef}
        type="file"
        multiple
        hidden
        data-testid="file-input"
        onChange={picked}
      />
      <input
        ref={(el) => {
          folderRef.current = el;
          // webkitdirectory is not in React's typings: set it on the element.
          el?.setAttribute('webkitdirectory', '');
          el?.setAttribute('directory', '');
        }}
        type="file"
        multiple
        hidden
        data-testid="folder-input"
        onChange={picked}
      />
    </div>
  );
}
