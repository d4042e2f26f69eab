// Two house rules enforced here (style.md): src/main/core never imports electron; raw ipcMain /
// ipcRenderer only in the IPC registration and the preload. Plus: native libraries only in adapters.
import tseslint from 'typescript-eslint';

const nativeOnlyInAdapters = [
  { name: 'pcsclite', message: 'pcsclite only in src/main/core/card/pcsc-adapter.ts (ports and adapters).' },
  { name: 'graphene-pk11', message: 'graphene-pk11 only in src/main/core/card/pkcs11-adapter.ts and pkcs11-smartcard-adapter.ts.' },
  { name: 'pkcs11js', message: 'Use graphene-pk11, and only in src/main/core/card/pkcs11-adapter.ts.' },
  { name: 'better-sqlite3', message: 'better-sqlite3 only in a store/ folder.' },
];
const rawIpc = {
  name: 'electron',
  importNames: ['ipcMain', 'ipcRenderer'],
  message: 'Raw ipcMain/ipcRenderer only in src/main/ipc/register.ts and src/preload/index.ts: use the contract.',
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'out-demo/**', 'dist/**', 'test-results/**', 'playwright-report/**', '.tmp/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      // Playwright's loader compiles decorators as TC39 decorators, tsx/vitest as legacy ones: the same
      // file would mean two things (portal/validator/ocsp-asn1.ts applies its schema by hand instead).
      'no-restricted-syntax': ['error', { selector: 'Decorator', message: 'no decorators: they compile differently under Playwright; apply the function by hand' }],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}', 'portal/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [...nativeOnlyInAdapters, rawIpc] }],
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
          patterns: [{ group: ['electron/*'], message: 'src/main/core never imports electron.' }],
        },
      ],
    },
  },
  // The adapters are where the native libraries live.
  {
    files: ['src/main/core/card/pcsc-adapter.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: nativeOnlyInAdapters.filter((p) => p.name !== 'pcsclite').concat([{ name: 'electron', message: 'no electron in core' }]) }] },
  },
  {
    files: ['src/main/core/card/pkcs11-adapter.ts', 'src/main/core/card/pkcs11-smartcard-adapter.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: nativeOnlyInAdapters.filter((p) => p.name !== 'graphene-pk11').concat([{ name: 'electron', message: 'no electron in core' }]) }] },
  },
  {
    files: ['src/main/core/store/**/*.ts', 'portal/**/store/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: nativeOnlyInAdapters.filter((p) => p.name !== 'better-sqlite3').concat([{ name: 'electron', message: 'no electron in core' }]) }] },
  },
  {
    files: ['src/main/ipc/register.ts', 'src/preload/index.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: nativeOnlyInAdapters }], 'no-restricted-properties': 'off' },
  },
);
