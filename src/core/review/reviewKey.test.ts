import { describe, expect, it } from 'vitest';
import { fiveVertebrae } from './reviewFixture';
import { reviewKey } from './reviewKey';

describe('reviewKey', () => {
  it('study and series UIDs, from a result or the two UIDs', () => {
    expect(reviewKey(fiveVertebrae({ studyInstanceUID: '1.2.3', seriesInstanceUID: '1.2.3.4' }))).toBe('1.2.3|1.2.3.4');
    expect(reviewKey({ studyInstanceUID: '1.2.3', seriesInstanceUID: '1.2.3.5' })).toBe('1.2.3|1.2.3.5');
  });

  it('the same UID with or without DICOM padding is the same key', () => {
    expect(reviewKey({ studyInstanceUID: '1.2.3\0', seriesInstanceUID: ' 1.2.3.4 ' })).toBe('1.2.3|1.2.3.4');
  });

  it('no UIDs at all: null, nothing to key on; one is enough', () => {
    expect(reviewKey({ studyInstanceUID: '', seriesInstanceUID: '' })).toBeNull();
    expect(reviewKey({ studyInstanceUID: '', seriesInstanceUID: '1.2.3.4' })).toBe('|1.2.3.4');
  });
});
