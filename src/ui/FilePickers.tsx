import { useRef, type ChangeEvent } from 'react';
import { fromFileList } from './collectFiles';
import type { InputFile } from '../worker/protocol';

interface Props {
  disabled?: boolean;
  onFiles: (files: InputFile[]) => void;
  onDemo: () => void;
}

/** "Open files", "Open folder" (webkitdirectory) and "Open demo study" buttons. */
export function FilePickers({ disabled, onFiles, onDemo }: Props) {
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
