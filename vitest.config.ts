import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 60_000,
    // Two cores: parallel files would only fight over them.
    fileParallelism: false,
  },
});
