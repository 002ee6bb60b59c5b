import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The console is served by apps/server at `/`; `npm run build:console` (tools/build-console.ts) builds it.
// In development, `npx vite apps/console` proxies the API to a running server on :8080.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // No inline scripts anywhere: the server's Content-Security-Policy allows scripts from 'self' only.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 400,
    rollupOptions: {
      output: {
        // React and the router change rarely: one long-cached vendor chunk for the shell.
        manualChunks(id: string) {
          if (/node_modules\/(react|react-dom|scheduler|react-router|@tanstack)\//.test(id)) return 'vendor';
          return undefined;
        },
      },
    },
  },
  server: {
    proxy: { '/v1': 'http://127.0.0.1:8080' },
  },
});
