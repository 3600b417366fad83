/**
 * Reviewed results kept in the browser (IndexedDB), one record per series, written after every
 * edit: a reload, or dropping the same study again, brings the edited result back. The AI's own
 * result is kept beside it so that the user can go back to it.
 */
import type { AnalysisResult } from '../../core/pipeline/result';

export interface SavedReview {
  /** reviewKey() of the series. */
  key: string;
  ai: AnalysisResult;
  current: AnalysisResult;
  /** ISO time of the last save. */
  savedAt: string;
}

const DB_NAME = 'spinelens';
const DB_VERSION = 1;
const STORE = 'reviews';

let opening: Promise<IDBDatabase> | null = null;

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

function open(): Promise<IDBDatabase> {
  if (!opening) {
    opening = new Promise<IDBDatabase>((resolve, reject) => {
      if (typeof indexedDB === 'undefined') {
        reject(new Error('this browser offers no IndexedDB storage'));
        return;
      }
      const r = indexedDB.open(DB_NAME, DB_VERSION);
      r.onupgradeneeded = () => {
        if (!r.result.objectStoreNames.contains(STORE)) r.result.createObjectStore(STORE, { keyPath: 'key' });
      };
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error ?? new Error('IndexedDB could not be opened'));
      r.onblocked = () => reject(new Error('IndexedDB is blocked by another SpineLens tab'));
    });
    opening.catch(() => {
      opening = null;
    });
  }
  return opening;
}

async function withStore<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  const tx = db.transaction(STORE, mode);
  const result = await request(work(tx.objectStore(STORE)));
  await new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted (is the disk full?)'));
  });
  return result;
}

export async function loadReview(key: string): Promise<SavedReview | null> {
  return ((await withStore('readonly', (s) => s.get(key))) as SavedReview | undefined) ?? null;
}

export async function saveReview(record: SavedReview): Promise<void> {
  await withStore('readwrite', (s) => s.put(record));
}

export async function deleteReview(key: string): Promise<void> {
  await withStore('readwrite', (s) => s.delete(key));
}
