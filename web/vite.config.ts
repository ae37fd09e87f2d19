import { fileURLToPath } from 'node:url';

import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

// The web app: built into dist/web and served by the Fastify process (server/plugins/web.ts).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  resolve: { alias: { '@common': fileURLToPath(new URL('../common', import.meta.url)) } },
  // A placeholder the server replaces with each response's CSP nonce (server/plugins/web.ts): Vite
  // writes it on its tags and in <meta property="csp-nonce">, where the app reads it for Mantine.
  html: { cspNonce: 'ABONENT_CSP_NONCE' },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 800,
    // Everything the first page loads statically in one chunk: without it, modules the entry shares with
    // a lazy chunk (Mantine's Popover and Input, also used by @mantine/dates there) were split into small
    // preloaded chunks that compress worse. Measured on the sign-in page: 195.0 → 191.8 kB of JS (gzip),
    // one request instead of four; @mantine/dates and dayjs stay in the lazy DateField chunk.
    rolldownOptions: { output: { codeSplitting: { groups: [{ name: 'app', tags: ['$initial'] }] } } },
  },
  server: { proxy: { '/api': 'http://localhost:3000', '/pay': 'http://localhost:3000' } },
  plugins: [
    react(),
    VitePWA({
      registerType: 'autoUpdate',
      // Only the app shell is cached; API calls always go to the network so data stays fresh.
      workbox: {
        navigateFallbackDenylist: [/^\/api\//, /^\/pay\//, /^\/dev\//],
        runtimeCaching: [],
        globPatterns: ['**/*.{js,css,html,png,svg}'],
      },
      manifest: {
        name: 'Абонент — личный кабинет',
        short_name: 'Абонент',
        description: 'Баланс, тариф, платежи и статистика',
        lang: 'ru',
        start_url: '/cabinet',
        display: 'standalone',
        background_color: '#ffffff',
        theme_color: '#1c7ed6',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
    }),
  ],
});
