/**
 * The intents that open a study: files or folders, the demo, another series. Each runs through
 * the ingest worker and ends in an AppEvent; a newer intent cancels an older one.
 */
import { useCallback, useEffect, useReducer, useRef } from 'react';
import { initialState, reduce, type AppEvent } from './appState';
import { CancelledError, IngestClient } from './ingestClient';
import { codecWasmUrls } from './codecUrls';
import type { InputFile } from '../worker/protocol';

export const DEMO_URL = `${import.meta.env.BASE_URL}demo/example_ct.nii.gz`;
/** The fracture phantom (a DICOM series): its manifest.json lists the files, since a browser cannot list a folder. */
export const PHANTOM_DEMO_DIR = `${import.meta.env.BASE_URL}demo/phantom-chest/`;

async function fetchOk(url: string): Promise<Response> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`HTTP ${res.status} for ${url}`);
  return res;
}

function labelFor(files: InputFile[]): string {
  if (files.length === 1) return files[0].path;
  const tops = new Set(files.map((f) => f.path.split('/')[0]));
  if (tops.size === 1 && files[0].path.includes('/')) return `${[...tops][0]} (${files.length} files)`;
  return `${files.length} files`;
}

export function useStudyLoader() {
  const [state, dispatch] = useReducer(reduce, initialState);
  const clientRef = useRef<IngestClient | null>(null);

  const client = useCallback((): IngestClient => {
    if (!clientRef.current) {
      clientRef.current = new IngestClient();
      void clientRef.current.configure(codecWasmUrls).catch(() => undefined);
    }
    return clientRef.current;
  }, []);

  useEffect(
    () => () => {
      clientRef.current?.dispose();
      clientRef.current = null;
    },
    [],
  );

  /** Runs one intent; a cancelled one ends silently, anything else ends as a visible error. */
  const run = useCallback(async (work: (emit: (e: AppEvent) => void) => Promise<void>) => {
    try {
      await work(dispatch);
    } catch (err) {
      if (err instanceof CancelledError) return;
      dispatch({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
    }
  }, []);

  const loadSeries = useCallback(
    (seriesId: string) =>
      run(async (emit) => {
        emit({ type: 'loadStarted', seriesId });
        const volume = await client().load(seriesId, (progress) => emit({ type: 'progress', progress }));
        emit({ type: 'loaded', volume });
      }),
    [client, run],
  );

  const openFiles = useCallback(
    (files: InputFile[]) =>
      run(async (emit) => {
        if (files.length === 0) throw new Error('Nothing to open: the drop or selection contained no files.');
        emit({ type: 'scanStarted', sourceLabel: labelFor(files) });
        const { result, noVolumeReason } = await client().scan(files, (progress) => emit({ type: 'progress', progress }));
        emit({ type: 'scanned', result });
        // No default choice: say why; usable non-CT series stay in the series list to pick.
        if (!result.bestSeriesId) throw new Error(noVolumeReason ?? 'No volume found in these files.');
        emit({ type: 'loadStarted', seriesId: result.bestSeriesId });
        const volume = await client().load(result.bestSeriesId, (progress) => emit({ type: 'progress', progress }));
        emit({ type: 'loaded', volume });
      }),
    [client, run],
  );

  const openDemo = useCallback(
    () =>
      run(async (emit) => {
        emit({ type: 'scanStarted', sourceLabel: 'the demo study' });
        let blob: Blob;
        try {
          const res = await fetch(DEMO_URL);
          if (!res.ok) throw new Error(`HTTP ${res.status}`);
          blob = await res.blob();
        } catch (err) {
          throw new Error(`Could not download the demo study (${err instanceof Error ? err.message : String(err)}). Check that the app is served with its demo folder.`);
        }
        await openFiles([{ file: blob, path: 'example_ct.nii.gz' }]);
      }),
    [openFiles, run],
  );

  const openPhantomDemo = useCallback(
    () =>
      run(async (emit) => {
        emit({ type: 'scanStarted', sourceLabel: 'the fracture phantom' });
        let files: InputFile[];
        try {
          const manifest = (await (await fetchOk(`${PHANTOM_DEMO_DIR}manifest.json`)).json()) as { files: string[] };
          files = await Promise.all(
            manifest.files.map(async (name) => ({ file: await (await fetchOk(PHANTOM_DEMO_DIR + name)).blob(), path: `phantom-chest/${name}` })),
          );
        } catch (err) {
          throw new Error(`Could not download the fracture phantom (${err instanceof Error ? err.message : String(err)}). Check that the app is served with its demo folder.`);
        }
        await openFiles(files);
      }),
    [openFiles, run],
  );

  const rendered = useCallback(() => dispatch({ type: 'rendered' }), []);
  const reportError = useCallback((message: string) => dispatch({ type: 'failed', message }), []);

  return { state, openFiles, openDemo, openPhantomDemo, loadSeries, rendered, reportError };
}
