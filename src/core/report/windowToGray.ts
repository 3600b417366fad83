/**
 * HU → 8-bit grey through a display window (width, level in HU), as the viewer shows it: the
 * report prints the image the physician looked at.
 */
export function windowToGray(pixelsHu: ArrayLike<number>, window: { width: number; level: number }): Uint8Array {
  const lower = window.level - window.width / 2;
  const scale = 255 / Math.max(window.width, 1);
  const gray = new Uint8Array(pixelsHu.length);
  for (let i = 0; i < gray.length; i++) gray[i] = Math.max(0, Math.min(255, Math.round((pixelsHu[i] - lower) * scale)));
  return gray;
}
