import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// The web app lives in web/; the tracker serves web/dist in production and tests.
export default defineConfig({
  root: 'web',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
  },
  server: {
    // `npm run dev`: the tracker (npm start) on 8080 answers the API and the WebSocket tracker.
    proxy: {
      '/api': 'http://localhost:8080',
      '/announce': { target: 'ws://localhost:8080', ws: true },
    },
  },
})
