import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ORT_BUILD_FILES, ortBuildFor, type OrtBuild } from './ortBuild';

const ortWeb = join(process.cwd(), 'node_modules', 'onnxruntime-web');

describe('ortBuildFor', () => {
  it('gives WebGPU the asyncify build and WebAssembly the plain one', () => {
    expect(ortBuildFor('webgpu', new Set())).toBe('webgpu');
    expect(ortBuildFor('wasm', new Set())).toBe('wasm');
    expect(ortBuildFor('wasm', new Set<OrtBuild>(['wasm']))).toBe('wasm');
  });

  it('runs WebAssembly on the asyncify build once that is loaded, instead of loading a second runtime', () => {
    expect(ortBuildFor('wasm', new Set<OrtBuild>(['webgpu']))).toBe('webgpu');
    expect(ortBuildFor('wasm', new Set<OrtBuild>(['webgpu', 'wasm']))).toBe('webgpu');
  });

  it('still loads the asyncify build for WebGPU after a WebAssembly start', () => {
    expect(ortBuildFor('webgpu', new Set<OrtBuild>(['wasm']))).toBe('webgpu');
  });
});

describe('ORT_BUILD_FILES', () => {
  // The worker imports these entries; vite.config.ts resolves them with this condition.
  const exports = JSON.parse(readFileSync(join(ortWeb, 'package.json'), 'utf8')).exports as Record<string, { import: Record<string, string> }>;
  const entry = (build: OrtBuild) => exports[`./${build}`].import['onnxruntime-web-use-extern-wasm'];

  it.each(['webgpu', 'wasm'] as const)('names the loader that onnxruntime-web/%s imports, and files that exist', (build) => {
    const [loader, wasm] = ORT_BUILD_FILES[build];
    const script = readFileSync(join(ortWeb, entry(build)), 'utf8');
    expect(script).toContain(loader);
    // The other build's loader is not what this entry imports.
    const other = ORT_BUILD_FILES[build === 'webgpu' ? 'wasm' : 'webgpu'][0];
    expect(script.split(loader).join('')).not.toContain(other);
    for (const f of [loader, wasm]) expect(existsSync(join(ortWeb, 'dist', f)), f).toBe(true);
  });

  it('are all copied to public/ort by the postinstall script', () => {
    const script = readFileSync(join(process.cwd(), 'scripts', 'copy-ort-wasm.mjs'), 'utf8');
    for (const f of Object.values(ORT_BUILD_FILES).flat()) expect(script).toContain(`'${f}'`);
  });
});
