// ESLint: the recommended JavaScript and typescript-eslint rules, nothing custom but what the code needs.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'lib/', 'dist/', '.cache/', 'bench/.out/', 'coverage/', 'docs/api/', 'api/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      // Unused arguments keep handler signatures readable when prefixed with _.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Type-aware rules where type information exists (the files tsconfig.json includes): a promise nobody
    // awaits loses its rejection and its ordering, which here means a lost flush or an unhandled rejection
    // inside the user's function. https://typescript-eslint.io/getting-started/typed-linting
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'functions/**/*.ts', 'tools/**/*.ts', '*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    // Decoders and test helpers read untyped wire data (protobufjs objects, JSON bodies).
    files: ['test/**', 'tools/otlp-decode.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
