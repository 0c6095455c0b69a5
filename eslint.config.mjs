// Lint rules after Temporal's SDK: no floating promises, type-only imports,
// and a workflow sandbox that cannot reach I/O, TensorFlow or MinIO.
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    // tsconfig.test.json covers the sources and test/ alike.
    languageOptions: { parserOptions: { project: './tsconfig.test.json', tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { disallowTypeAnnotations: false }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      // Workflows are replayed in a deterministic sandbox: types may come
      // from anywhere, values only from code without side effects.
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [...builtinModules, ...builtinModules.map((m) => `node:${m}`), 'minio']
          .map((name) => ({ name, allowTypeImports: true })),
        patterns: [{ group: ['@tensorflow/*', '**/activities', '**/activities/*'], allowTypeImports: true }],
      }],
    },
  },
);
