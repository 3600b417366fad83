/** Starts Cornerstone core and tools once per page and registers the tools the viewer uses. */
import { init as initCore, isCornerstoneInitialized } from '@cornerstonejs/core';
import {
  addTool,
  init as initTools,
  CrosshairsTool,
  LengthTool,
  PanTool,
  StackScrollTool,
  WindowLevelTool,
  ZoomTool,
} from '@cornerstonejs/tools';
import { CentrelineTool } from './centrelineTool';
import { SixPointTool } from './sixPointTool';

let started: Promise<void> | null = null;

export function initCornerstone(): Promise<void> {
  if (!started) {
    started = (async () => {
      // 16-bit textures instead of 32-bit float ones where the GPU lacks norm16: half the upload
      // and no float conversion pass (bench:ingest render 1.7 → 1.0 s in headless Chromium).
      // Half floats hold every HU in ±2048 exactly and step by 2 up to 4096: enough to display.
      if (!isCornerstoneInitialized()) initCore({ rendering: { preferSizeOverAccuracy: true } } as Parameters<typeof initCore>[0]);
      initTools();
      for (const tool of [CrosshairsTool, LengthTool, PanTool, StackScrollTool, WindowLevelTool, ZoomTool, SixPointTool, CentrelineTool]) addTool(tool);
    })();
    started.catch(() => {
      started = null;
    });
  }
  return started;
}
