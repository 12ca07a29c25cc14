import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The C++ server (`tongan serve`) serves web/dist at / and the API at /api on the same port.
// In development, Vite serves the UI and proxies /api to a locally running server.
export default defineConfig({
  base: '/',
  plugins: [vue()],
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: {
      '/api': { target: process.env.TONGAN_API || 'http://127.0.0.1:8080', changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'element-plus', test: /node_modules[\\/](element-plus|@element-plus|@vueuse|@floating-ui|lodash)/ },
            { name: 'echarts', test: /node_modules[\\/](echarts|zrender)/ },
            { name: 'vue', test: /node_modules[\\/](@vue|vue|vue-router)[\\/]/ },
          ],
        },
      },
    },
  },
})
