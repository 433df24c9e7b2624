import { defineConfig } from 'vite';

// The bundle is committed and embedded in the binary (embed.go), and
// `make test` rebuilds it to check that it is current, so the build must be
// reproducible: no source maps, no timestamps, and file names that change
// only when their content does.
export default defineConfig({
  base: '/explore/',
  // `npx vite` during development: the API of a running casegraph.
  server: {
    proxy: { '/graphql': process.env.CASEGRAPH_URL || 'http://127.0.0.1:8080' },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      output: {
        entryFileNames: 'assets/explorer-[hash].js',
        chunkFileNames: 'assets/[name]-[hash].js',
        assetFileNames: 'assets/explorer-[hash][extname]',
      },
    },
  },
});
