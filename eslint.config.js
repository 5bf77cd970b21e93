// Lint config: typescript-eslint with type-checked rules (see STYLE.md).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Forbids files under `folder` to import from the sibling folders of src/ named in `above`. */
function layer(folder, above) {
  return [
    {
      files: [`${folder}/**/*.ts`],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: above.map((name) => ({
              group: [`**/${name}/*`, `../${name}/*`, `../../${name}/*`],
              message: `${folder} must not import from src/${name} (DESIGN.md: a layer imports only from the layers below it).`,
            })),
          },
        ],
      },
    },
  ];
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'examples/**/public/**', '**/*.bundle.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test's test()/describe() return promises the runner awaits.
          allowForKnownSafeCalls: [
            { from: 'package', name: ['test', 'describe', 'it', 'suite'], package: 'node:test' },
          ],
        },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  // The planes of DESIGN.md: a layer imports only from the layers below it.
  ...layer('src/common', ['api', 'channel', 'worker', 'rtc', 'protocols', 'ortc']),
  ...layer('src/protocols', ['api', 'channel', 'worker', 'rtc', 'ortc']),
  ...layer('src/ortc', ['api', 'channel', 'worker', 'rtc', 'protocols']),
  ...layer('src/rtc', ['api', 'channel', 'worker']),
  ...layer('src/worker', ['api']),
  ...layer('src/channel', ['api', 'rtc', 'worker']),
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
