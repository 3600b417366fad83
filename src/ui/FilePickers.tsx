import { useRef, type ChangeEvent } from 'react';
import { fromFileList } from './collectFiles';
import type { InputFile } from '../worker/protocol';

interface Props {
  disabled?: boolean;
  onFiles: (files: InputFile[]) => void;
  onDemo: () => void;
  /** When given, an "Open fracture phantom" button beside "Open demo study". */
  onPhantomDemo?: () => void;
}

/** "Open files", "Open folder" (webkitdirectory), "Open demo study" and "Open fracture phantom" buttons. */
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
      <button type="button" className="btn" disabled={disabled} onClick={onDemo} data-testid="open-demo">
        Open demo study
      </button>
      {onPhantomDemo && (
        <button type="button" className="btn" disabled={disabled} onClick={onPhantomDemo} data-testid="open-phantom-demo">
          Open fracture phantom
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
