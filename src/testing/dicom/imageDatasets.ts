/**
 * The attributes of each kind of image the fixtures write, as element lists for the writer:
 * - CT Image Storage (one slice per file), the common case;
 * - MR Image Storage, to test that a non-CT series is recognised;
 * - Enhanced CT Image Storage (all slices as frames of one file), where spacing, orientation
 *   and rescale live in the Shared Functional Groups and each frame's position in the
 *   Per-Frame Functional Groups instead of the top level.
 * Each list carries the IOD's Type 1 and Type 2 attributes that a reader looks at (patient,
 * study, series, frame of reference, equipment, image plane, image pixel, CT/MR image, SOP
 * common). Pixel Data is made by pixelDataEncoding.ts and passed in.
 */
import type { Vec3 } from '../../core/volume';
import type { DicomElement, DicomItem, VR } from './dicomWriter';
import type { PixelEncoding } from './frameRenderer';

export const SopClass = {
  CTImage: '1.2.840.10008.5.1.4.1.1.2',
  EnhancedCTImage: '1.2.840.10008.5.1.4.1.1.2.1',
  MRImage: '1.2.840.10008.5.1.4.1.1.4',
  MediaStorageDirectory: '1.2.840.10008.1.3.10',
} as const;

/** Attributes shared by every image of a series. */
export interface SeriesAttributes {
  modality: 'CT' | 'MR';
  studyInstanceUID: string;
  seriesInstanceUID: string;
  frameOfReferenceUID: string;
  patientName: string;
  patientId: string;
  patientBirthDate: string;
  patientSex: string;
  studyDate: string;
  studyTime: string;
  studyId: string;
  accessionNumber: string;
  studyDescription: string;
  seriesDescription: string;
  seriesNumber: number;
  manufacturer: string;
  pixel: PixelEncoding;
  pixelPaddingValue?: number;
  sliceThicknessMm: number;
  gantryTiltDeg: number;
}

/** Attributes of one single-frame image. */
export interface ImageAttributes {
  sopInstanceUID: string;
  instanceNumber: number;
  acquisitionNumber: number;
  /** Backslash-separated ImageType values, e.g. ORIGINAL\PRIMARY\AXIAL. */
  imageType: string;
  columns: number;
  rows: number;
  pixelSpacingMm: [number, number];
  imageOrientationPatient: number[];
  imagePositionMm: Vec3;
  /** SliceLocation: the position along the plane normal, mm (informative only). */
  sliceLocationMm: number;
}

const e = (tag: number, vr: VR, value: DicomElement['value']): DicomElement => ({ tag, vr, value });

function patientStudySeries(s: SeriesAttributes): DicomElement[] {
  return [
    e(0x00080005, 'CS', 'ISO_IR 100'),
    e(0x00080020, 'DA', s.studyDate),
    e(0x00080021, 'DA', s.studyDate), // SeriesDate
    e(0x00080030, 'TM', s.studyTime),
    e(0x00080031, 'TM', s.studyTime), // SeriesTime
    e(0x00080050, 'SH', s.accessionNumber),
    e(0x00080060, 'CS', s.modality),
    e(0x00080070, 'LO', s.manufacturer),
    e(0x00080090, 'PN', ''), // ReferringPhysicianName (Type 2)
    e(0x00081030, 'LO', s.studyDescription),
    e(0x0008103e, 'LO', s.seriesDescription),
    e(0x00081090, 'LO', 'SpineLens synthetic phantom'), // ManufacturerModelName
    e(0x00100010, 'PN', s.patientName),
    e(0x00100020, 'LO', s.patientId),
    e(0x00100030, 'DA', s.patientBirthDate),
    e(0x00100040, 'CS', s.patientSex),
    e(0x00185100, 'CS', 'HFS'), // PatientPosition: head first, supine
    e(0x0020000d, 'UI', s.studyInstanceUID),
    e(0x0020000e, 'UI', s.seriesInstanceUID),
    e(0x00200010, 'SH', s.studyId),
    e(0x00200011, 'IS', [s.seriesNumber]),
    e(0x00200052, 'UI', s.frameOfReferenceUID),
    e(0x00201040, 'LO', ''), // PositionReferenceIndicator (Type 2)
  ];
}

function imagePixelModule(s: SeriesAttributes, columns: number, rows: number): DicomElement[] {
  const p = s.pixel;
  const out = [
    e(0x00280002, 'US', [1]), // SamplesPerPixel
    e(0x00280004, 'CS', 'MONOCHROME2'),
    e(0x00280010, 'US', [rows]),
    e(0x00280011, 'US', [columns]),
    e(0x00280100, 'US', [16]), // BitsAllocated
    e(0x00280101, 'US', [p.bitsStored]),
    e(0x00280102, 'US', [p.bitsStored - 1]), // HighBit
    e(0x00280103, 'US', [p.pixelRepresentation]),
  ];
  if (s.pixelPaddingValue !== undefined) {
    // US or SS after Pixel Representation (PS3.3 C.7.5.1.1.2).
    out.push(e(0x00280120, p.pixelRepresentation === 1 ? 'SS' : 'US', [s.pixelPaddingValue]));
  }
  return out;
}

function rescaleElements(s: SeriesAttributes): DicomElement[] {
  return [
    e(0x00281052, 'DS', [s.pixel.rescaleIntercept]),
    e(0x00281053, 'DS', [s.pixel.rescaleSlope]),
    e(0x00281054, 'LO', 'HU'), // RescaleType
  ];
}

function modalitySpecific(s: SeriesAttributes, acquisitionNumber: number): DicomElement[] {
  if (s.modality === 'CT') {
    return [
      e(0x00180060, 'DS', [120]), // KVP
      e(0x00181120, 'DS', [s.gantryTiltDeg]), // GantryDetectorTilt
      e(0x00200012, 'IS', [acquisitionNumber]),
      e(0x00281050, 'DS', [40]), // WindowCenter: soft tissue
      e(0x00281051, 'DS', [400]), // WindowWidth
      ...rescaleElements(s),
    ];
  }
  // MR: no rescale to HU; the values are arbitrary signal intensities.
  return [
    e(0x00180020, 'CS', 'SE'), // ScanningSequence
    e(0x00180021, 'CS', 'NONE'), // SequenceVariant
    e(0x00180022, 'CS', ''), // ScanOptions
    e(0x00180023, 'CS', '2D'), // MRAcquisitionType
    e(0x00180080, 'DS', [500]), // RepetitionTime
    e(0x00180081, 'DS', [15]), // EchoTime
    e(0x00180091, 'IS', [1]), // EchoTrainLength
    e(0x00200012, 'IS', [acquisitionNumber]),
  ];
}

/** One CT or MR image (single frame). */
export function singleFrameDataset(s: SeriesAttributes, im: ImageAttributes, pixelData: DicomElement): DicomElement[] {
  return [
    ...patientStudySeries(s),
    e(0x00080008, 'CS', im.imageType),
    e(0x00080016, 'UI', s.modality === 'CT' ? SopClass.CTImage : SopClass.MRImage),
    e(0x00080018, 'UI', im.sopInstanceUID),
    e(0x00080023, 'DA', s.studyDate), // ContentDate
    e(0x00080033, 'TM', s.studyTime), // ContentTime
    e(0x00180050, 'DS', [s.sliceThicknessMm]), // SliceThickness (never used for spacing)
    e(0x00200060, 'CS', ''), // Laterality (Type 2C in the single-frame IODs)
    ...modalitySpecific(s, im.acquisitionNumber),
    e(0x00200013, 'IS', [im.instanceNumber]),
    e(0x00200020, 'CS', ''), // PatientOrientation (Type 2C; empty as IOP is present)
    e(0x00200032, 'DS', im.imagePositionMm),
    e(0x00200037, 'DS', im.imageOrientationPatient),
    e(0x00201041, 'DS', [im.sliceLocationMm]),
    e(0x00280030, 'DS', im.pixelSpacingMm),
    ...imagePixelModule(s, im.columns, im.rows),
    pixelData,
  ];
}

export interface EnhancedFrame {
  imagePositionMm: Vec3;
  /** 1-based position of the frame within the stack (its order along the stacking direction). */
  inStackPosition: number;
}

export interface EnhancedImageAttributes {
  sopInstanceUID: string;
  instanceNumber: number;
  acquisitionNumber: number;
  columns: number;
  rows: number;
  pixelSpacingMm: [number, number];
  imageOrientationPatient: number[];
  frames: EnhancedFrame[];
  dimensionOrganizationUID: string;
  irradiationEventUID: string;
}

/**
 * The CT acquisition and reconstruction macros Enhanced CT requires in a functional group.
 * Plausible constants for a helical body scan; no reader uses them for geometry.
 */
function ctAcquisitionMacros(s: SeriesAttributes, im: EnhancedImageAttributes): DicomElement[] {
  const fovMm = Math.max(im.columns * im.pixelSpacingMm[1], im.rows * im.pixelSpacingMm[0]);
  return [
    e(0x00189301, 'SQ', [[ // CTAcquisitionTypeSequence
      e(0x00189302, 'CS', 'SPIRAL'), // AcquisitionType
      e(0x00189333, 'CS', 'NO'), // ConstantVolumeFlag
      e(0x00189334, 'CS', 'NO'), // FluoroscopyFlag
    ]]),
    e(0x00189304, 'SQ', [[ // CTAcquisitionDetailsSequence
      e(0x00180090, 'DS', [500]), // DataCollectionDiameter
      e(0x00181120, 'DS', [s.gantryTiltDeg]), // GantryDetectorTilt
      e(0x00181130, 'DS', [150]), // TableHeight
      e(0x00181140, 'CS', 'CW'), // RotationDirection
      e(0x00189305, 'FD', [0.5]), // RevolutionTime, s
      e(0x00189306, 'FD', [0.625]), // SingleCollimationWidth
      e(0x00189307, 'FD', [40]), // TotalCollimationWidth
    ]]),
    e(0x00189308, 'SQ', [[ // CTTableDynamicsSequence
      e(0x00189309, 'FD', [80]), // TableSpeed, mm/s
      e(0x00189310, 'FD', [40]), // TableFeedPerRotation
      e(0x00189311, 'FD', [1]), // SpiralPitchFactor
    ]]),
    e(0x00189312, 'SQ', [[ // CTGeometrySequence
      e(0x00181110, 'DS', [1000]), // DistanceSourceToDetector
      e(0x00189335, 'FD', [570]), // DistanceSourceToDataCollectionCenter
    ]]),
    e(0x00189314, 'SQ', [[ // CTReconstructionSequence
      e(0x00181100, 'DS', [fovMm]), // ReconstructionDiameter
      e(0x00181210, 'SH', 'STANDARD'), // ConvolutionKernel
      e(0x00189315, 'CS', 'FILTER_BACK_PROJ'), // ReconstructionAlgorithm
      e(0x00189316, 'CS', 'SOFT_TISSUE'), // ConvolutionKernelGroup
      e(0x00189319, 'FD', [360]), // ReconstructionAngle
      e(0x00189320, 'SH', 'NONE'), // ImageFilter
      e(0x00189322, 'FD', im.pixelSpacingMm), // ReconstructionPixelSpacing
    ]]),
    e(0x00189321, 'SQ', [[ // CTExposureSequence
      e(0x00189323, 'CS', 'NONE'), // ExposureModulationType
      e(0x00189328, 'FD', [500]), // ExposureTimeInms
      e(0x00189330, 'FD', [200]), // XRayTubeCurrentInmA
      e(0x00189332, 'FD', [100]), // ExposureInmAs
    ]]),
    e(0x00189325, 'SQ', [[ // CTXRayDetailsSequence
      e(0x00180060, 'DS', [120]), // KVP
      e(0x00181160, 'SH', 'BODY'), // FilterType
      e(0x00181190, 'DS', [1.2]), // FocalSpots
      e(0x00187050, 'CS', 'AL'), // FilterMaterial
    ]]),
  ];
}

/**
 * Enhanced CT Image Storage: every slice is a frame. Geometry and rescale are only in the
 * functional groups: Shared (PixelMeasures, PlaneOrientation, PixelValueTransformation,
 * CTImageFrameType) and Per-Frame (PlanePosition, FrameContent). The per-frame sequence is
 * written with undefined lengths and the shared one with defined lengths, as both occur.
 */
export function enhancedCtDataset(s: SeriesAttributes, im: EnhancedImageAttributes, pixelData: DicomElement): DicomElement[] {
  const frameType = 'ORIGINAL\\PRIMARY\\VOLUME\\NONE';
  const acquisitionDateTime = `${s.studyDate}${s.studyTime}`;
  // Image- and frame-level description (Common CT/MR Image Description macro).
  const description = [
    e(0x00089205, 'CS', 'MONOCHROME'), // PixelPresentation
    e(0x00089206, 'CS', 'VOLUME'), // VolumetricProperties
    e(0x00089207, 'CS', 'NONE'), // VolumeBasedCalculationTechnique
  ];
  const shared: DicomItem = [
    e(0x00189329, 'SQ', [[e(0x00089007, 'CS', frameType), ...description]]), // CTImageFrameTypeSequence
    ...ctAcquisitionMacros(s, im),
    e(0x00189477, 'SQ', [[e(0x00083010, 'UI', im.irradiationEventUID)]]), // IrradiationEventIdentificationSequence
    e(0x00209071, 'SQ', [[ // FrameAnatomySequence
      e(0x00082218, 'SQ', [[ // AnatomicRegionSequence: SNOMED CT "Spine"
        e(0x00080100, 'SH', '421060004'),
        e(0x00080102, 'SH', 'SCT'),
        e(0x00080104, 'LO', 'Spine'),
      ]]),
      e(0x00209072, 'CS', 'U'), // FrameLaterality: unpaired
    ]]),
    e(0x00209116, 'SQ', [[e(0x00200037, 'DS', im.imageOrientationPatient)]]), // PlaneOrientationSequence
    e(0x00289110, 'SQ', [[ // PixelMeasuresSequence
      e(0x00180050, 'DS', [s.sliceThicknessMm]),
      e(0x00280030, 'DS', im.pixelSpacingMm),
    ]]),
    e(0x00289145, 'SQ', [rescaleElements(s)]), // PixelValueTransformationSequence
  ];
  const perFrame: DicomItem[] = im.frames.map((f) => [
    e(0x00209111, 'SQ', [[ // FrameContentSequence
      e(0x00189074, 'DT', acquisitionDateTime), // FrameAcquisitionDateTime
      e(0x00189151, 'DT', acquisitionDateTime), // FrameReferenceDateTime
      e(0x00189220, 'FD', [500]), // FrameAcquisitionDuration, ms
      e(0x00209056, 'SH', '1'), // StackID
      e(0x00209057, 'UL', [f.inStackPosition]), // InStackPositionNumber
      e(0x00209157, 'UL', [1, f.inStackPosition]), // DimensionIndexValues (stack, position)
    ]]),
    e(0x00189326, 'SQ', [[ // CTPositionSequence: the table moves along z, frame by frame
      e(0x00189313, 'FD', [0, 0, f.imagePositionMm[2]]), // DataCollectionCenterPatient
      e(0x00189318, 'FD', [0, 0, f.imagePositionMm[2]]), // ReconstructionTargetCenterPatient
      e(0x00189327, 'FD', [f.imagePositionMm[2]]), // TablePosition
    ]]),
    e(0x00209113, 'SQ', [[e(0x00200032, 'DS', f.imagePositionMm)]]), // PlanePositionSequence
  ]);
  return [
    ...patientStudySeries(s),
    e(0x00080008, 'CS', frameType),
    e(0x00080016, 'UI', SopClass.EnhancedCTImage),
    e(0x00080018, 'UI', im.sopInstanceUID),
    e(0x00080023, 'DA', s.studyDate), // ContentDate
    e(0x00080033, 'TM', s.studyTime), // ContentTime
    e(0x0008002a, 'DT', acquisitionDateTime), // AcquisitionDateTime
    ...description,
    e(0x00181000, 'LO', 'SL0001'), // DeviceSerialNumber
    e(0x00181020, 'LO', 'spinelens-fixtures 1'), // SoftwareVersions
    e(0x00189073, 'FD', [10]), // AcquisitionDuration, s
    e(0x00189004, 'CS', 'RESEARCH'), // ContentQualification
    e(0x00280301, 'CS', 'NO'), // BurnedInAnnotation
    e(0x20500020, 'CS', 'IDENTITY'), // PresentationLUTShape
    e(0x00400555, 'SQ', []), // AcquisitionContextSequence (Type 2, empty)
    e(0x00200012, 'IS', [im.acquisitionNumber]),
    e(0x00200013, 'IS', [im.instanceNumber]),
    e(0x00209221, 'SQ', [[e(0x00209164, 'UI', im.dimensionOrganizationUID)]]), // DimensionOrganizationSequence
    e(0x00209222, 'SQ', [ // DimensionIndexSequence: frames are indexed by (stack id, position in stack)
      [
        e(0x00209164, 'UI', im.dimensionOrganizationUID),
        e(0x00209165, 'AT', [0x00209056]), // DimensionIndexPointer -> StackID
        e(0x00209167, 'AT', [0x00209111]), // FunctionalGroupPointer -> FrameContentSequence
      ],
      [
        e(0x00209164, 'UI', im.dimensionOrganizationUID),
        e(0x00209165, 'AT', [0x00209057]), // -> InStackPositionNumber
        e(0x00209167, 'AT', [0x00209111]),
      ],
    ]),
    e(0x00280008, 'IS', [im.frames.length]), // NumberOfFrames
    ...imagePixelModule(s, im.columns, im.rows),
    e(0x00282110, 'CS', '00'), // LossyImageCompression: never lossy here
    e(0x52009229, 'SQ', [shared]), // SharedFunctionalGroupsSequence
    { tag: 0x52009230, vr: 'SQ', value: perFrame, undefinedLength: true }, // PerFrameFunctionalGroupsSequence
    pixelData,
  ];
}
