import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/*
 * The page and its companions, built to static files (dist/). Served
 * cross-origin isolated (COOP + COEP), so SharedArrayBuffer is available for
 * multithreaded WebAssembly; a static host needs the same two headers for
 * that, and everything else works without them. `appType: 'mpa'`: a
 * missing file is a 404, not index.html, as on a static host.
 */

export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const page = (name: string) => fileURLToPath(new URL(name, import.meta.url));

export default defineConfig({
  base: './',
  appType: 'mpa',
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    rollupOptions: {
      input: {
        main: page('index.html'),
        conformance: page('conformance.html'),
        speed: page('speed.html'),
        interop: page('interop.html'),
      },
    },
  },
});
