// Builds the report's front end into static files that open from file:// and any server:
// relative paths, one classic (non-module) script, since Chromium refuses module scripts
// from file:// URLs.
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import { licenses } from './build-tools/licenses';

function classicScript(): Plugin {
  return {
    name: 'vocloud-classic-script',
    apply: 'build',
    enforce: 'post',
    transformIndexHtml(html) {
      return html.replace(/<script type="module" crossorigin/g, '<script defer').replace(/ crossorigin/g, '');
    },
  };
}

export default defineConfig({
  base: './',
  plugins: [licenses(), classicScript()],
  build: {
    outDir: process.env.VOCLOUD_REPORT_UI_OUT || 'dist',
    emptyOutDir: true,
    modulePreload: false,
    cssCodeSplit: false,
    target: 'es2020',
    chunkSizeWarningLimit: 600,
    rollupOptions: { output: { format: 'iife', inlineDynamicImports: true } },
  },
  test: { include: ['tests/**/*.test.ts'], environment: 'node' },
});
