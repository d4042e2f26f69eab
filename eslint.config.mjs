// House rules enforced here (style.md): src/main/core never imports electron; raw ipcMain /
// ipcRenderer only in the IPC registration and the preload; native libraries only in adapters; the
// app, the reference portal and the packages meet only through the packages' names; and product code
// keeps files under 400 lines, functions under 120 and imports free of cycles.
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const nativeOnlyInAdapters = [
  { name: 'pcsclite', message: 'pcsclite only in src/main/core/card/pcsc-adapter.ts (ports and adapters).' },
  { name: 'graphene-pk11', message: 'graphene-pk11 only in the PKCS#11 adapters of src/main/core/card (pkcs11-adapter.ts, pkcs11-smartcard-adapter.ts, pkcs11-diagnose-adapter.ts).' },
  { name: 'pkcs11js', message: 'Use graphene-pk11, and only in src/main/core/card/pkcs11-adapter.ts.' },
  { name: 'better-sqlite3', message: 'better-sqlite3 only in a store/ folder.' },
  { name: '@zorgid/pkcs11-pin', message: '@zorgid/pkcs11-pin only in src/main/core/card/pkcs11-pin-adapter.ts.' },
];
const rawIpc = {
  name: 'electron',
  importNames: ['ipcMain', 'ipcRenderer'],
  message: 'Raw ipcMain/ipcRenderer only in src/main/ipc/register.ts and src/preload/index.ts: use the contract.',
};

// One-way house: the app (src/) and the reference portal (portal/) never import each other, and both
// use the packages by name only (test/boundaries.test.ts checks the same on resolved paths).
const appBoundary = [
  { regex: String.raw`^(\.\./)+(portal|packages)(/|$)`, message: 'The app uses the packages by name (@zorgid/protocol, @zorgid/uzi) and never imports the reference portal.' },
  { group: ['@zorgid/reference-portal', '@zorgid/reference-portal/*', '@zorgid/validator', '@zorgid/validator/*'], message: 'The app depends on @zorgid/protocol and @zorgid/uzi only.' },
];
const portalBoundary = [
  { regex: String.raw`^(\.\./)+(src|packages)(/|$)`, message: 'The portal uses the packages by name (@zorgid/protocol, @zorgid/uzi, @zorgid/validator) and never imports the app.' },
];
const packageBoundary = (allowed) => [
  { regex: String.raw`^(\.\./){2,}`, message: 'A package imports only its own files and other packages by name.' },
  { group: ['@zorgid/*', ...allowed.map((a) => `!@zorgid/${a}`), ...allowed.map((a) => `!@zorgid/${a}/*`)], message: `This package may use ${allowed.length ? allowed.map((a) => '@zorgid/' + a).join(' and ') : 'no other @zorgid package'}.` },
];
const testFiles = ['**/*.test.ts', '**/*.spec.ts', '**/*.fixture.ts', '**/test/**', 'test/**'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'out-demo/**', 'dist/**', 'test-results/**', 'playwright-report/**', '.tmp/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      // Playwright's loader compiles decorators as TC39 decorators, tsx/vitest as legacy ones: the same
      // file would mean two things (packages/validator/src/ocsp-asn1.ts applies its schema by hand instead).
      'no-restricted-syntax': ['error', { selector: 'Decorator', message: 'no decorators: they compile differently under Playwright; apply the function by hand' }],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}', 'portal/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [...nativeOnlyInAdapters, rawIpc], patterns: appBoundary }],
      'no-restricted-properties': [
        'error',
        { object: 'electron', property: 'ipcMain', message: rawIpc.message },
        { object: 'electron', property: 'ipcRenderer', message: rawIpc.message },
      ],
    },
  },
  {
    files: ['src/main/core/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nativeOnlyInAdapters,
            { name: 'electron', message: 'src/main/core never imports electron (architecture.md): inject what you need.' },
          ],
          patterns: [{ group: ['electron/*'], message: 'src/main/core never imports electron.' }, ...appBoundary],
        },
      ],
    },
  },
  // The adapters are where the native libraries live.
  {
    files: ['src/main/core/card/pcsc-adapter.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: nativeOnlyInAdapters.filter((p) => p.name !== 'pcsclite').concat([{ name: 'electron', message: 'no electron in core' }]), patterns: appBoundary }] },
  },
  {
    files: ['src/main/core/card/pkcs11-adapter.ts', 'src/main/core/card/pkcs11-smartcard-adapter.ts', 'src/main/core/card/pkcs11-diagnose-adapter.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: nativeOnlyInAdapters.filter((p) => p.name !== 'graphene-pk11').concat([{ name: 'electron', message: 'no electron in core' }]), patterns: appBoundary }] },
  },
  {
    files: ['src/main/core/card/pkcs11-pin-adapter.ts', 'src/main/core/card/pkcs11-pin-adapter.test.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: nativeOnlyInAdapters.filter((p) => p.name !== '@zorgid/pkcs11-pin' && p.name !== 'graphene-pk11').concat([{ name: 'electron', message: 'no electron in core' }]), patterns: appBoundary }] },
  },
  {
    files: ['src/main/core/store/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: nativeOnlyInAdapters.filter((p) => p.name !== 'better-sqlite3').concat([{ name: 'electron', message: 'no electron in core' }]), patterns: appBoundary }] },
  },
  {
    files: ['portal/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: nativeOnlyInAdapters, patterns: portalBoundary }] },
  },
  // The example relying party stands on its own: it knows ZORG-ID only over OpenID Connect.
  {
    files: ['examples/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ regex: String.raw`^(\.\./)+(src|portal|packages)(/|$)`, message: 'The example relying party talks to ZORG-ID over OpenID Connect only.' }, { group: ['@zorgid/*'], message: 'The example relying party uses no ZORG-ID package.' }] }] },
  },
  {
    files: ['portal/**/store/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: nativeOnlyInAdapters.filter((p) => p.name !== 'better-sqlite3'), patterns: portalBoundary }] },
  },
  // Packages: protocol stands alone, uzi builds on protocol, the validator on both.
  ...[
    ['protocol', []],
    ['uzi', ['protocol']],
    ['validator', ['protocol', 'uzi']],
  ].map(([name, allowed]) => ({
    files: [`packages/${name}/**/*.ts`],
    ignores: testFiles,
    rules: { 'no-restricted-imports': ['error', { paths: [...nativeOnlyInAdapters, { name: 'electron', message: 'packages never import electron' }], patterns: packageBoundary(allowed) }] },
  })),
  // Size and shape of product code (not tests, benches or scripts).
  {
    files: ['src/**/*.{ts,tsx}', 'portal/**/*.ts', 'packages/*/src/**/*.ts', 'examples/**/*.ts'],
    ignores: testFiles,
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.mts', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx', '.mts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.mts', '.js', '.mjs'] })],
    },
    rules: {
      'max-lines': ['error', { max: 400 }],
      'max-lines-per-function': ['error', { max: 120 }],
      'import-x/no-cycle': 'error',
    },
  },
  {
    files: ['src/main/ipc/register.ts', 'src/preload/index.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: nativeOnlyInAdapters }], 'no-restricted-properties': 'off' },
  },
);
