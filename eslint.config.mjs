// Lint rules: typescript-eslint's recommended set, type-aware where it pays (floating promises
// are the classic way a bot silently drops work).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Each SDK stays in its adapter folder (ARCHITECTURE.md): the domain and the Teams layer see them
// only through their ports. A file's area lists the SDKs it may import; every other one is an error.
const SDKS = {
  botbuilder: { regex: '^(botbuilder|botframework-[a-z-]+)(/|$)', home: 'src/hosts/botbuilder' },
  agents: { regex: '^@microsoft/agents-', home: 'src/hosts/agents' },
  restify: { regex: '^restify(-[a-z-]+)?(/|$)', home: 'src/http' },
  graph: { regex: '^@microsoft/microsoft-graph-client(/|$)', home: 'src/graph' },
  azure: { regex: '^@(azure|opentelemetry)/', home: 'src/graph, src/store, src/hosts, src/telemetry.ts' },
  pino: { regex: '^pino(-[a-z-]+)?(/|$)', home: 'outside src/domain' },
};
// Later areas win for the files they match (src/telemetry.ts over src/*.ts).
const AREAS = [
  ['src/*.ts', ['pino']],
  ['src/telemetry.ts', ['pino', 'azure']],
  ['src/domain/**/*.ts', []],
  ['src/teams/**/*.ts', ['pino']],
  ['src/text/**/*.ts', []],
  ['src/wiring/**/*.ts', ['pino']],
  ['src/hosts/botbuilder/**/*.ts', ['pino', 'botbuilder', 'azure']],
  ['src/hosts/agents/**/*.ts', ['pino', 'agents', 'azure']],
  ['src/http/**/*.ts', ['pino', 'restify']],
  ['src/graph/**/*.ts', ['pino', 'graph', 'azure']],
  ['src/store/**/*.ts', ['pino', 'azure']],
];
const boundaries = AREAS.map(([files, allowed]) => ({
  files: [files],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: Object.entries(SDKS)
          .filter(([name]) => !allowed.includes(name))
          .map(([name, sdk]) => ({ regex: sdk.regex, message: `${name} stays in ${sdk.home} (ARCHITECTURE.md); use its port.` })),
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'appPackage/build/**', '.data/**', 'test-results/**', '.sandbox/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  ...boundaries,
  {
    files: ['scripts/**/*.ts', 'bench/**/*.ts', 'test/**/*.ts', 'src/sandbox/cli.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // node:test's describe/it return promises the runner itself awaits.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-floating-promises': 'off' },
  },
);
