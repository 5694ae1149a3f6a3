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
    // Decoders and test helpers read untyped wire data (protobufjs objects, JSON bodies).
    files: ['test/**', 'tools/otlp-decode.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
