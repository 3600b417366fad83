/**
 * One 2D image of a DICOM file: a single-frame instance, or one frame of a multi-frame
 * (Enhanced CT) instance. Everything the stacker needs is read once, here, into plain fields.
 */
import type { Vec3 } from '../../volume';

export interface PixelFormat {
  transferSyntaxUID: string;
  bitsAllocated: number;
  bitsStored: number;
  pixelRepresentation: 0 | 1;
  samplesPerPixel: number;
  photometricInterpretation: string;
  /** Stored value(s) that mean "no data" (outside the scanner's field of view). */
  paddingValue: number | null;
  paddingRangeLimit: number | null;
}

export interface DicomPatientStudy {
  patientName: string;
  patientId: string;
  patientBirthDate: string;
  patientSex: string;
  studyInstanceUID: string;
  studyDate: string;
  studyDescription: string;
  seriesDescription: string;
}

export interface DicomImage {
  path: string;
  /** Index of the frame inside its file (0 for single-frame images). */
  frameIndex: number;
  sopInstanceUID: string;
  seriesInstanceUID: string;
  modality: string;
  imageType: string[];
  acquisitionNumber: number | null;
  instanceNumber: number | null;
  rows: number;
  columns: number;
  /** [between rows (along the column direction), between columns (along the row direction)] in mm, as DICOM orders PixelSpacing. */
  pixelSpacingMm: [number, number];
  positionMm: Vec3;
  /** Unit direction of increasing column index (DICOM's "row cosine"). */
  rowCosine: Vec3;
  /** Unit direction of increasing row index (DICOM's "column cosine"). */
  columnCosine: Vec3;
  rescaleSlope: number;
  rescaleIntercept: number;
  gantryTiltDeg: number;
  pixelFormat: PixelFormat;
  study: DicomPatientStudy;
  /**
   * Reads this frame's stored bytes (compressed or native) from the file; `scratch` may be
   * filled and returned instead of new memory (the caller uses it before the next read).
   */
  frameBytes(scratch?: Uint8Array): Promise<Uint8Array>;
}
