/**
 * Three linked orthographic views of one Volume (large sagittal, axial, coronal) with
 * Cornerstone3D. Owns the rendering engine, the tool group and the cached volume; React only
 * calls its methods.
 */
import {
  cache,
  Enums,
  RenderingEngine,
  setVolumesForViewports,
  volumeLoader,
  type Types,
} from '@cornerstonejs/core';
import {
  annotation as csAnnotation,
  cancelActiveManipulations,
  CrosshairsTool,
  Enums as ToolEnums,
  LengthTool,
  PanTool,
  StackScrollTool,
  ToolGroupManager,
  WindowLevelTool,
  ZoomTool,
} from '@cornerstonejs/tools';
import type { Volume } from '../../core/volume';
import { CentrelineTool } from './centrelineTool';
import { initCornerstone } from './init';
import { rulerLengthsMm } from './rulerLengths';
import { voiRange } from './presets';

export type ViewName = 'sagittal' | 'axial' | 'coronal';
export const VIEW_NAMES: readonly ViewName[] = ['sagittal', 'axial', 'coronal'];

/** What the left mouse button does. */
export type ToolMode = 'windowLevel' | 'crosshairs' | 'ruler';

const ORIENTATION: Record<ViewName, Enums.OrientationAxis> = {
  sagittal: Enums.OrientationAxis.SAGITTAL,
  axial: Enums.OrientationAxis.AXIAL,
  coronal: Enums.OrientationAxis.CORONAL,
};

/** Reference-line colours: each view's lines, drawn in the other views, take its colour. */
export const VIEW_COLORS: Record<ViewName, string> = {
  sagittal: 'rgb(250, 204, 21)',
  axial: 'rgb(248, 113, 113)',
  coronal: 'rgb(74, 222, 128)',
};

const LEFT_TOOL: Record<ToolMode, string> = {
  windowLevel: WindowLevelTool.toolName,
  crosshairs: CrosshairsTool.toolName,
  ruler: LengthTool.toolName,
};

let instanceCount = 0;

export interface OrientationLabels {
  top: string;
  bottom: string;
  left: string;
  right: string;
}

/** Patient-direction letter(s) of an LPS vector: L/R, P/A, S/I, strongest first. */
function directionLetters(v: Types.Point3): string {
  const parts: [number, string][] = [
    [v[0], v[0] > 0 ? 'L' : 'R'],
    [v[1], v[1] > 0 ? 'P' : 'A'],
    [v[2], v[2] > 0 ? 'S' : 'I'],
  ];
  return parts
    .filter(([x]) => Math.abs(x) > 0.2)
    .sort((a, b) => Math.abs(b[0]) - Math.abs(a[0]))
    .map(([, s]) => s)
    .join('');
}

function cross(a: Types.Point3, b: Types.Point3): Types.Point3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

/** Drops a local volume and its per-slice images from Cornerstone's cache. */
function releaseVolume(volumeId: string): void {
  const volume = cache.getVolume(volumeId);
  const imageIds = volume?.imageIds ?? [];
  try {
    if (volume) cache.removeVolumeLoadObject(volumeId);
    for (const imageId of imageIds) {
      if (cache.getImageLoadObject(imageId) || cache.getImage(imageId)) cache.removeImageLoadObject(imageId, { force: true });
    }
  } catch (err) {
    console.warn('SpineLens: could not release a volume from the cache', err);
  }
}

const nextFrames = () => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));

const neg = (v: Types.Point3): Types.Point3 => [-v[0], -v[1], -v[2]];

export class MprViewer {
  readonly engineId: string;
  readonly toolGroupId: string;
  private engine: RenderingEngine;
  private volumeId: string | null = null;
  private loads = 0;
  private mode: ToolMode = 'windowLevel';
  private voi = { width: 1800, level: 400 };
  private destroyed = false;

  private constructor(private readonly elements: Record<ViewName, HTMLDivElement>) {
    const n = ++instanceCount;
    this.engineId = `spinelens-engine-${n}`;
    this.toolGroupId = `spinelens-tools-${n}`;
    this.engine = new RenderingEngine(this.engineId);
    this.engine.setViewports(
      VIEW_NAMES.map((name) => ({
        viewportId: name,
        type: Enums.ViewportType.ORTHOGRAPHIC,
        element: elements[name],
        defaultOptions: { orientation: ORIENTATION[name], background: [0, 0, 0] as Types.Point3 },
      })),
    );
    this.setupTools();
  }

  static async create(elements: Record<ViewName, HTMLDivElement>): Promise<MprViewer> {
    if (!document.createElement('canvas').getContext('webgl2')) {
      throw new Error('this browser gives no WebGL2 graphics context, which the views need');
    }
    await initCornerstone();
    return new MprViewer(elements);
  }

  private setupTools(): void {
    const group = ToolGroupManager.createToolGroup(this.toolGroupId);
    if (!group) throw new Error('Could not create the viewer tool group.');
    group.addTool(WindowLevelTool.toolName);
    group.addTool(PanTool.toolName);
    group.addTool(ZoomTool.toolName);
    group.addTool(StackScrollTool.toolName);
    group.addTool(LengthTool.toolName);
    group.addTool(CrosshairsTool.toolName, {
      getReferenceLineColor: (viewportId: string) => VIEW_COLORS[viewportId as ViewName] ?? 'rgb(200,200,200)',
      getReferenceLineControllable: () => true,
      // Also what lets a click jump the crosshairs (Cornerstone checks it in _jump); rotating
      // the lines gives oblique views, whose edge letters follow the camera.
      getReferenceLineDraggableRotatable: () => true,
      getReferenceLineSlabThicknessControlsOn: () => false,
    });
    group.addTool(CentrelineTool.toolName);
    for (const name of VIEW_NAMES) group.addViewport(name, this.engineId);

    const { MouseBindings } = ToolEnums;
    group.setToolActive(StackScrollTool.toolName, { bindings: [{ mouseButton: MouseBindings.Wheel }] });
    group.setToolActive(ZoomTool.toolName, { bindings: [{ mouseButton: MouseBindings.Secondary }] });
    group.setToolActive(PanTool.toolName, { bindings: [{ mouseButton: MouseBindings.Auxiliary }] });
    group.setToolActive(WindowLevelTool.toolName, { bindings: [{ mouseButton: MouseBindings.Primary }] });
    group.setToolPassive(LengthTool.toolName);
    group.setToolEnabled(CentrelineTool.toolName);
  }

  private get group() {
    const g = ToolGroupManager.getToolGroup(this.toolGroupId);
    if (!g) throw new Error('The viewer tool group is gone.');
    return g;
  }

  /** Shows a volume in all three views; resolves once it has been rendered. */
  async setVolume(volume: Volume): Promise<void> {
    const { geometry, voxels } = volume;
    const [columns, rows] = geometry.dimensions;
    const d = geometry.direction;
    // No scheme ("x:") in the id: Cornerstone would then try to load its slices with an image loader.
    const id = `spinelens-volume-${this.engineId}-${++this.loads}`;
    const isFloat = voxels instanceof Float32Array;

    // Cornerstone's direction: first the direction of increasing column index (the DICOM row
    // cosine), then of increasing row index, then the slice normal: our column, row, slice.
    const direction = [...d.column, ...d.row, ...d.slice] as Types.Mat3;
    const csVolume = volumeLoader.createLocalVolume(id, {
      dimensions: [...geometry.dimensions] as Types.Point3,
      spacing: [...geometry.spacingMm] as Types.Point3,
      origin: [...geometry.originMm] as Types.Point3,
      direction,
      scalarData: voxels,
      metadata: {
        BitsAllocated: isFloat ? 32 : 16,
        BitsStored: isFloat ? 32 : 16,
        SamplesPerPixel: 1,
        HighBit: isFloat ? 31 : 15,
        PhotometricInterpretation: 'MONOCHROME2',
        PixelRepresentation: 1,
        Modality: volume.metadata.modality || 'CT',
        SeriesInstanceUID: volume.metadata.seriesInstanceUID,
        ImageOrientationPatient: [...d.column, ...d.row],
        PixelSpacing: [geometry.spacingMm[1], geometry.spacingMm[0]],
        FrameOfReferenceUID: `spinelens-for-${id}`,
        Columns: columns,
        Rows: rows,
        voiLut: [{ windowWidth: this.voi.width, windowCenter: this.voi.level }],
        VOILUTFunction: 'LINEAR',
      },
    });
    if (this.destroyed) return;

    const previous = this.volumeId;
    this.volumeId = id;
    // Measurements belong to the volume they were drawn on.
    csAnnotation.state.removeAllAnnotations();
    await setVolumesForViewports(this.engine, [{ volumeId: csVolume.volumeId }], [...VIEW_NAMES]);
    if (previous) releaseVolume(previous);
    if (this.destroyed) return;

    for (const name of VIEW_NAMES) {
      const vp = this.viewport(name);
      vp.setProperties({ voiRange: voiRange(this.voi) });
    }
    // Crosshairs need volumes in the views before they can find their centre.
    if (this.mode === 'crosshairs') this.applyMode();
    else this.group.setToolPassive(CrosshairsTool.toolName);
    // The first frame after a new volume can come out flat grey in the sagittal view (seen with
    // SwiftShader WebGL): render once more after the texture upload has settled.
    this.engine.render();
    await nextFrames();
    if (this.destroyed) return;
    this.engine.renderViewports([...VIEW_NAMES]);
    await nextFrames();
  }

  viewport(name: ViewName): Types.IVolumeViewport {
    return this.engine.getViewport(name) as Types.IVolumeViewport;
  }

  setWindow(width: number, level: number): void {
    this.voi = { width, level };
    if (!this.volumeId) return;
    for (const name of VIEW_NAMES) this.viewport(name).setProperties({ voiRange: voiRange(this.voi) });
    this.engine.render();
  }

  setMode(mode: ToolMode): void {
    this.mode = mode;
    this.applyMode();
  }

  private applyMode(): void {
    const group = this.group;
    for (const tool of Object.values(LEFT_TOOL)) {
      if (tool === LEFT_TOOL[this.mode]) continue;
      if (tool === CrosshairsTool.toolName && !this.volumeId) continue;
      group.setToolPassive(tool);
    }
    if (this.mode === 'crosshairs' && !this.volumeId) return;
    group.setToolActive(LEFT_TOOL[this.mode], { bindings: [{ mouseButton: ToolEnums.MouseBindings.Primary }] });
  }

  /** Name of the Cornerstone tool on the left mouse button. */
  activePrimaryTool(): string | null {
    return this.group.getActivePrimaryMouseButtonTool() ?? null;
  }

  /** Esc: abandon a measurement being drawn or a drag in progress. */
  cancel(): void {
    for (const name of VIEW_NAMES) cancelActiveManipulations(this.elements[name]);
  }

  /** Shows (or, with null, hides) the analysis's centreline in the three views. */
  setCentreline(centrelineMm: readonly Types.Point3[] | null): void {
    this.group.setToolConfiguration(CentrelineTool.toolName, { centrelineMm: centrelineMm ? centrelineMm.map((p) => [...p]) : null });
    if (this.volumeId) this.engine.renderViewports([...VIEW_NAMES]);
  }

  /** Centres all three views on a patient point (mm), each on the slice through it. */
  centreOn(pointMm: Types.Point3): void {
    if (!this.volumeId) return;
    for (const name of VIEW_NAMES) {
      const vp = this.viewport(name);
      const { focalPoint, position } = vp.getCamera();
      if (!focalPoint || !position) continue;
      const offset = [position[0] - focalPoint[0], position[1] - focalPoint[1], position[2] - focalPoint[2]];
      vp.setCamera({ focalPoint: [...pointMm] as Types.Point3, position: [pointMm[0] + offset[0], pointMm[1] + offset[1], pointMm[2] + offset[2]] as Types.Point3 });
    }
    this.engine.renderViewports([...VIEW_NAMES]);
  }

  resetViews(): void {
    if (!this.volumeId) return;
    for (const name of VIEW_NAMES) this.viewport(name).resetCamera();
    this.engine.render();
  }

  resize(): void {
    if (this.destroyed) return;
    this.engine.resize(true, true);
  }

  /** Lengths of the ruler measurements in patient millimetres (LPS world distance). */
  lengthMeasurementsMm(): number[] {
    return rulerLengthsMm(this.elements.sagittal);
  }

  /** Patient directions at the edges of a view, read from its camera. */
  orientationLabels(name: ViewName): OrientationLabels | null {
    if (!this.volumeId) return null;
    const cam = this.viewport(name).getCamera();
    if (!cam.viewUp || !cam.viewPlaneNormal) return null;
    const up = cam.viewUp as Types.Point3;
    const right = cross(up, cam.viewPlaneNormal as Types.Point3);
    return {
      top: directionLetters(up),
      bottom: directionLetters(neg(up)),
      right: directionLetters(right),
      left: directionLetters(neg(right)),
    };
  }

  /**
   * Calls `listener` with the window (width, level in HU, rounded) whenever a view's VOI
   * changes, e.g. by a window/level drag; the page then applies it to all three views.
   */
  onWindowModified(listener: (wl: { width: number; level: number }) => void): () => void {
    const handler = (evt: Event) => {
      const range = (evt as CustomEvent<{ range?: { lower: number; upper: number } }>).detail?.range;
      if (!range) return;
      listener({ width: Math.round(range.upper - range.lower), level: Math.round((range.upper + range.lower) / 2) });
    };
    for (const name of VIEW_NAMES) this.elements[name].addEventListener(Enums.Events.VOI_MODIFIED, handler);
    return () => {
      for (const name of VIEW_NAMES) this.elements[name].removeEventListener(Enums.Events.VOI_MODIFIED, handler);
    };
  }

  /** Calls `listener(view)` whenever a view's camera changes (scroll, zoom, pan, rotation). */
  onCameraModified(listener: (name: ViewName) => void): () => void {
    const offs = VIEW_NAMES.map((name) => {
      const handler = () => listener(name);
      this.elements[name].addEventListener(Enums.Events.CAMERA_MODIFIED, handler);
      return () => this.elements[name].removeEventListener(Enums.Events.CAMERA_MODIFIED, handler);
    });
    return () => offs.forEach((off) => off());
  }

  destroy(): void {
    this.destroyed = true;
    try {
      if (this.volumeId) this.group.setToolDisabled(CrosshairsTool.toolName);
      ToolGroupManager.destroyToolGroup(this.toolGroupId);
    } catch {
      /* already gone */
    }
    this.engine.destroy();
    if (this.volumeId) releaseVolume(this.volumeId);
    this.volumeId = null;
  }
}
