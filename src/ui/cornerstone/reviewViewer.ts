/**
 * The review view: the straightened mid-sagittal image in a Cornerstone stack viewport, one
 * six-point annotation per vertebra (sixPointTool.ts) and the ruler. The image is placed in world
 * space at origin 0 with pixel spacing = the straightening's step, so world distances, and the
 * ruler's readings, are millimetres along the straightened spine (DESIGN.md "Straightening").
 *
 * It owns its rendering engine and tool group; React only calls its methods.
 */
import { cache, Enums, eventTarget, imageLoader, RenderingEngine, utilities as csUtilities, type Types } from '@cornerstonejs/core';
import {
  annotation as csAnnotation,
  cancelActiveManipulations,
  Enums as ToolEnums,
  LengthTool,
  PanTool,
  state as toolState,
  ToolGroupManager,
  utilities as toolUtilities,
  WindowLevelTool,
  ZoomTool,
} from '@cornerstonejs/tools';
import { initCornerstone } from './init';
import { rulerLengthsMm } from './rulerLengths';
import { voiRange } from './presets';
import { pixelToWorld, SixPointTool, type SixPointCallbacks, type SixPointData } from './sixPointTool';

export const REVIEW_VIEWPORT_ID = 'review';

/** What the review view shows of one vertebra. */
export interface ReviewSegment extends SixPointData {
  pointsPx: readonly (readonly [number, number])[];
}

export interface StraightImage {
  /** rows × columns, row-major, HU. */
  pixels: Float32Array;
  rows: number;
  columns: number;
  pixelMm: number;
}

/**
 * The image is handed to Cornerstone as unsigned 16-bit values HU + this: with the 16-bit
 * textures of init.ts a stack viewport showed negative values as bright (air white), where the
 * volume viewports do not. Window ranges are shifted by the same amount.
 */
const STORED_OFFSET_HU = 1024;

function storedVoi(voi: { width: number; level: number }): { lower: number; upper: number } {
  const r = voiRange(voi);
  return { lower: r.lower + STORED_OFFSET_HU, upper: r.upper + STORED_OFFSET_HU };
}

let instances = 0;
let loaderRegistered = false;

const SCHEME = 'spinelens-straight';

/**
 * The straightened images are made in the page and put in Cornerstone's cache; the stack
 * viewport still asks an image loader for them by scheme, which hands back the cached image.
 */
function registerStraightLoader(): void {
  if (loaderRegistered) return;
  loaderRegistered = true;
  eventTarget.addEventListener(Enums.Events.IMAGE_LOAD_ERROR, (e: Event) => {
    const detail = (e as CustomEvent).detail;
    const reasons = Array.isArray(detail) ? detail.map((d: { reason?: unknown }) => d.reason) : [detail?.error];
    console.error('SpineLens: an image could not be shown', ...reasons);
  });
  imageLoader.registerImageLoader(SCHEME, (imageId: string) => {
    const image = cache.getImage(imageId);
    return { promise: image ? Promise.resolve(image) : Promise.reject(new Error(`the straightened image ${imageId} is no longer in memory`)) };
  });
}

export class ReviewViewer {
  private readonly engine: RenderingEngine;
  private readonly toolGroupId: string;
  private imageId: string | null = null;
  private pixelMm = 1;
  private loads = 0;
  private voi = { width: 1800, level: 400 };
  private ruler = false;
  private destroyed = false;
  /** vertebra id → annotation UID. */
  private annotationOf = new Map<string, string>();

  private constructor(
    private readonly element: HTMLDivElement,
    callbacks: SixPointCallbacks,
  ) {
    const n = ++instances;
    this.engine = new RenderingEngine(`spinelens-review-engine-${n}`);
    this.engine.enableElement({
      viewportId: REVIEW_VIEWPORT_ID,
      type: Enums.ViewportType.STACK,
      element,
      defaultOptions: { background: [0, 0, 0] as Types.Point3 },
    });
    this.toolGroupId = `spinelens-review-tools-${n}`;
    const group = ToolGroupManager.createToolGroup(this.toolGroupId);
    if (!group) throw new Error('Could not create the review tool group.');
    for (const tool of [WindowLevelTool, PanTool, ZoomTool, LengthTool]) group.addTool(tool.toolName);
    group.addTool(SixPointTool.toolName, { pixelMm: 1, callbacks });
    group.addViewport(REVIEW_VIEWPORT_ID, this.engine.id);
    const { MouseBindings } = ToolEnums;
    group.setToolActive(ZoomTool.toolName, { bindings: [{ mouseButton: MouseBindings.Secondary }] });
    group.setToolActive(PanTool.toolName, { bindings: [{ mouseButton: MouseBindings.Auxiliary }] });
    // Passive: its handles can be grabbed whatever the left button does elsewhere.
    group.setToolPassive(SixPointTool.toolName);
    this.applyMode();
  }

  static async create(element: HTMLDivElement, callbacks: SixPointCallbacks): Promise<ReviewViewer> {
    await initCornerstone();
    registerStraightLoader();
    return new ReviewViewer(element, callbacks);
  }

  private get group() {
    const g = ToolGroupManager.getToolGroup(this.toolGroupId);
    if (!g) throw new Error('The review tool group is gone.');
    return g;
  }

  get viewport(): Types.IStackViewport {
    return this.engine.getViewport(REVIEW_VIEWPORT_ID) as Types.IStackViewport;
  }

  /** Shows a new straightened image (a new analysis); drops the previous one and its segments. */
  async setImage(image: StraightImage): Promise<void> {
    const imageId = `${SCHEME}:${this.engine.id}-${++this.loads}`;
    imageLoader.createAndCacheLocalImage(imageId, {
      scalarData: Uint16Array.from(image.pixels, (hu) => Math.max(0, Math.min(65535, Math.round(hu + STORED_OFFSET_HU)))),
      dimensions: [image.columns, image.rows],
      spacing: [image.pixelMm, image.pixelMm],
      origin: [0, 0, 0],
      direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] as Types.Mat3,
      frameOfReferenceUID: `spinelens-straight-for-${this.engine.id}`,
    });
    // createAndCacheLocalImage writes the plane and pixel modules; the viewport also reads these.
    const more = {
      generalSeriesModule: { modality: 'CT' },
      modalityLutModule: { rescaleSlope: 1, rescaleIntercept: 0 },
      voiLutModule: { windowCenter: [this.voi.level + STORED_OFFSET_HU], windowWidth: [this.voi.width] },
    };
    for (const [type, metadata] of Object.entries(more)) csUtilities.genericMetadataProvider.add(imageId, { type, metadata });
    const previous = this.imageId;
    this.imageId = imageId;
    this.pixelMm = image.pixelMm;
    this.group.setToolConfiguration(SixPointTool.toolName, { pixelMm: image.pixelMm });
    this.clearSegments();
    await this.viewport.setStack([imageId]);
    if (this.destroyed) return;
    if (previous && cache.getImageLoadObject(previous)) cache.removeImageLoadObject(previous, { force: true });
    // Cornerstone 5.14's stack viewport draws this locally made image with its grey scale
    // reversed (air white) while reporting invert: false; asking for invert gives the normal
    // CT look. e2e/fracturePhantom.spec.ts checks bone brighter than the tissue in front of it.
    this.viewport.setProperties({ voiRange: storedVoi(this.voi), invert: true });
    this.viewport.resetCamera();
    this.viewport.render();
  }

  /** Rewrites the segments from the page's state; the one being dragged keeps its live points. */
  setSegments(segments: readonly ReviewSegment[]): void {
    if (!this.imageId || this.destroyed) return;
    const dragging = toolState.isInteractingWithTool;
    const keep = new Set(segments.map((s) => s.vertebraId));
    for (const [id, uid] of this.annotationOf) {
      if (!keep.has(id)) {
        csAnnotation.state.removeAnnotation(uid);
        this.annotationOf.delete(id);
      }
    }
    for (const s of segments) {
      const uid = this.annotationOf.get(s.vertebraId);
      const existing = uid ? csAnnotation.state.getAnnotation(uid) : undefined;
      const points = s.pointsPx.map((p) => pixelToWorld([p[0], p[1]], this.pixelMm));
      const sixPoint: SixPointData = { vertebraId: s.vertebraId, label: s.label, color: s.color, selected: s.selected };
      if (existing) {
        existing.data.sixPoint = sixPoint;
        if (!(dragging && existing.highlighted)) {
          // Same arrays, new values: Cornerstone's handle lookup compares point identity.
          const current = existing.data.handles!.points!;
          points.forEach((p, i) => {
            if (current[i]) current[i].splice(0, 3, ...p);
            else current[i] = p;
          });
        }
        continue;
      }
      const created = SixPointTool.createAnnotationForViewport(this.viewport, {
        data: { handles: { points, activeHandleIndex: null }, sixPoint },
        highlighted: false,
      });
      csAnnotation.state.addAnnotation(created, this.element);
      this.annotationOf.set(s.vertebraId, created.annotationUID!);
    }
    if (!dragging) for (const uid of this.annotationOf.values()) csAnnotation.state.getAnnotation(uid)!.highlighted = false;
    toolUtilities.triggerAnnotationRenderForViewportIds([REVIEW_VIEWPORT_ID]);
  }

  private clearSegments(): void {
    for (const uid of this.annotationOf.values()) csAnnotation.state.removeAnnotation(uid);
    this.annotationOf.clear();
    for (const a of csAnnotation.state.getAnnotations(LengthTool.toolName, this.element) ?? []) csAnnotation.state.removeAnnotation(a.annotationUID!);
  }

  setWindow(width: number, level: number): void {
    this.voi = { width, level };
    if (!this.imageId) return;
    this.viewport.setProperties({ voiRange: storedVoi(this.voi) });
    this.viewport.render();
  }

  /** Left button: ruler or window/level (the segments' handles can be grabbed in both). */
  setRuler(on: boolean): void {
    this.ruler = on;
    this.applyMode();
  }

  private applyMode(): void {
    const primary = [{ mouseButton: ToolEnums.MouseBindings.Primary }];
    const group = this.group;
    if (this.ruler) {
      group.setToolPassive(WindowLevelTool.toolName);
      group.setToolActive(LengthTool.toolName, { bindings: primary });
    } else {
      group.setToolPassive(LengthTool.toolName);
      group.setToolActive(WindowLevelTool.toolName, { bindings: primary });
    }
  }

  /** Client (page) coordinates of an image pixel, for tests that drag handles. */
  pageCoordinates(pointPx: readonly [number, number]): { x: number; y: number } | null {
    if (!this.imageId) return null;
    const canvas = this.viewport.worldToCanvas(pixelToWorld([pointPx[0], pointPx[1]], this.pixelMm));
    const rect = this.element.getBoundingClientRect();
    return { x: rect.left + canvas[0], y: rect.top + canvas[1] };
  }

  /** The ruler's lengths in mm along the straightened image. */
  lengthMeasurementsMm(): number[] {
    return rulerLengthsMm(this.element);
  }

  /** Esc: abandon a drag or a ruler being drawn. */
  cancel(): void {
    cancelActiveManipulations(this.element);
  }

  resetView(): void {
    if (!this.imageId) return;
    this.viewport.resetCamera();
    this.viewport.render();
  }

  resize(): void {
    if (!this.destroyed) this.engine.resize(true, true);
  }

  destroy(): void {
    this.destroyed = true;
    this.clearSegments();
    try {
      ToolGroupManager.destroyToolGroup(this.toolGroupId);
    } catch {
      /* already gone */
    }
    this.engine.destroy();
    if (this.imageId && cache.getImageLoadObject(this.imageId)) cache.removeImageLoadObject(this.imageId, { force: true });
    this.imageId = null;
  }
}
