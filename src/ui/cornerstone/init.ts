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

let started: Promise<void> | null = null;

export function initCornerstone(): Promise<void> {
  if (!started) {
    started = (async () => {
      if (!isCornerstoneInitialized()) initCore();
      initTools();
      for (const tool of [CrosshairsTool, LengthTool, PanTool, StackScrollTool, WindowLevelTool, ZoomTool]) addTool(tool);
    })();
    started.catch(() => {
      started = null;
    });
  }
  return started;
}
