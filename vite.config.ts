import { defaultClientConditions, defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Cross-origin isolation: SharedArrayBuffer and threaded WASM need both headers.
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [react()],
  resolve: {
    // onnxruntime-web without its WebAssembly loader bundled in: the loader and the .wasm come
    // from public/ort/ (scripts/copy-ort-wasm.mjs; ort.env.wasm.wasmPaths in the analysis
    // worker). Without this the build also emits a second 27 MB copy of the .wasm that is
    // never loaded, and threaded WASM would start its threads from the app's worker chunk.
    conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions],
  },
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders, port: 4173, strictPort: true },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 8000 },
  optimizeDeps: {
    exclude: ['@cornerstonejs/dicom-image-loader', 'onnxruntime-web'],
    include: [
      'dicom-parser',
      '@cornerstonejs/core',
      '@cornerstonejs/metadata',
      '@cornerstonejs/utils',
      '@cornerstonejs/tools',
      '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs',
      '@cornerstonejs/codec-charls/decodewasmjs',
      '@cornerstonejs/codec-openjpeg/decodewasmjs',
      '@cornerstonejs/codec-openjph/wasmjs',
      // Used by the ingest worker; listed so a cold dev start does not reload the page.
      '@cornerstonejs/jpeg-lossless-decoder-js',
      'fflate',
    ],
  },
});
