import { expect, it } from 'vitest';
import { execCommandPort } from './command-port';

// The real adapter, with Node itself standing in for reg.exe / plutil.
const run = execCommandPort(5_000);

it('gives back what a tool printed and its exit code, without a shell', async () => {
  expect(await run(process.execPath, ['-e', 'process.stdout.write("HKEY_LOCAL_MACHINE\\\\x\\r\\n")'])).toEqual({ code: 0, stdout: 'HKEY_LOCAL_MACHINE\\x\r\n', stderr: '' });
  expect(await run(process.execPath, ['-e', 'process.stderr.write("niet gevonden"); process.exit(1)'])).toEqual({ code: 1, stdout: '', stderr: 'niet gevonden' });
  // Shell syntax stays an argument.
  expect((await run(process.execPath, ['-e', 'process.stdout.write(process.argv[1])', '$(id); echo x'])).stdout).toBe('$(id); echo x');
});

it('throws when the tool is not there (the readers then fail closed)', async () => {
  await expect(run('zorgid-no-such-tool', [])).rejects.toMatchObject({ code: 'ENOENT' });
});
