import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Compiles dist/ once: the CLI tests run bin/satmon.mjs, which runs the compiled build.
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
    // Every local stack of the suite uses the test keyring (test/helpers/pseudonyms.ts), never .satmon's own key.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', SATMON_PSEUDONYM_KEY_FILE: 'test/fixtures/privacy/test-keyring.json' },
  },
});
