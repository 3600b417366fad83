/** CT window presets (width and level in HU) with their keyboard shortcuts. */
export interface WindowPreset {
  id: 'bone' | 'soft' | 'lung';
  label: string;
  width: number;
  level: number;
  key: string;
}

export const WINDOW_PRESETS: readonly WindowPreset[] = [
  { id: 'bone', label: 'Bone', width: 1800, level: 400, key: '1' },
  { id: 'soft', label: 'Soft tissue', width: 400, level: 40, key: '2' },
  { id: 'lung', label: 'Lung', width: 1500, level: -600, key: '3' },
];

export const DEFAULT_PRESET = WINDOW_PRESETS[0];

export function voiRange(p: { width: number; level: number }): { lower: number; upper: number } {
  return { lower: p.level - p.width / 2, upper: p.level + p.width / 2 };
}
