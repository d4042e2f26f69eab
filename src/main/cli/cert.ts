// Certificate CLI for support desks and portal integrators:
//   npm run --silent cert -- inspect <file>
//   npm run --silent cert -- verify <file> --ca <file>… [--at <ISO date>] [--crl <file>…]
// Prints exactly one JSON object on stdout. Exit 0 ok / valid, 1 not a valid UZI certificate or
// chain, 2 usage error (usage line on stderr).
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { UziHolder } from '../../shared/domain';
import { errorMessage } from '../../shared/error-messages';
import { AppError, type ErrorCode } from '../../shared/errors';
import { verifyChain } from '@zorgid/uzi';
import { derObjects } from '@zorgid/uzi';
import { parseUziCertificate } from '@zorgid/uzi';

export const USAGE = 'usage: cert inspect <file> | cert verify <file> --ca <file>... [--at <ISO date>] [--crl <file>...]';

const HOLDER_KEYS = [
  'uziNumber', 'cardType', 'roleCode', 'roleLabel', 'ura', 'agb', 'oidCa', 'version',
  'givenName', 'surname', 'commonName', 'organisation', 'subjectSerialNumber', 'notBefore', 'notAfter',
] as const satisfies readonly (keyof UziHolder)[];

export interface CliIo {
  readFile(path: string): Buffer;
  now(): Date;
}

export interface CliResult {
  exitCode: 0 | 1 | 2;
  stdout: string;
  stderr: string;
}

class UsageError extends Error {}

const json = (v: unknown) => JSON.stringify(v) + '\n';

function errorJson(code: ErrorCode) {
  return { code, message: errorMessage(code, 'nl') };
}

function readInput(io: CliIo, path: string): Buffer {
  try {
    return io.readFile(path);
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The certificates in a PEM or DER file; a file without any is not a certificate. */
function certificatesIn(io: CliIo, path: string): Buffer[] {
  const certs = derObjects(readInput(io, path), 'CERTIFICATE');
  if (certs.length === 0) throw new AppError('ERR_CERT_MALFORMED', { file: path, reason: 'no certificate in PEM file' });
  return certs;
}

function inspect(args: string[], io: CliIo): CliResult {
  if (args.length !== 1 || args[0]!.startsWith('--')) throw new UsageError('inspect takes exactly one file');
  try {
    const holder = parseUziCertificate(certificatesIn(io, args[0]!)[0]!);
    const ordered = Object.fromEntries(HOLDER_KEYS.map((k) => [k, holder[k]]));
    return { exitCode: 0, stdout: json(ordered), stderr: '' };
  } catch (err) {
    if (err instanceof AppError) return { exitCode: 1, stdout: json({ error: errorJson(err.code) }), stderr: '' };
    throw err;
  }
}

function parseVerifyArgs(args: string[]): { file: string; cas: string[]; crls: string[]; at: Date | null } {
  let file: string | null = null;
  const cas: string[] = [];
  const crls: string[] = [];
  let at: Date | null = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = () => {
      const v = args[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === '--ca') cas.push(value());
    else if (a === '--crl') crls.push(value());
    else if (a === '--at') {
      const v = value();
      // An ISO 8601 date or date-time; anything else is a typo we should not guess at.
      if (!/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v) || Number.isNaN(Date.parse(v))) {
        throw new UsageError(`--at: not an ISO date: ${v}`);
      }
      at = new Date(v);
    } else if (a.startsWith('--')) throw new UsageError(`unknown option ${a}`);
    else if (file === null) file = a;
    else throw new UsageError(`unexpected argument ${a}`);
  }
  if (file === null) throw new UsageError('verify needs a certificate file');
  if (cas.length === 0) throw new UsageError('verify needs at least one --ca (the last one is the trust anchor)');
  return { file, cas, crls, at };
}

async function verify(args: string[], io: CliIo): Promise<CliResult> {
  const opts = parseVerifyArgs(args);
  try {
    const leaf = certificatesIn(io, opts.file)[0]!;
    const caFiles = opts.cas.map((p) => certificatesIn(io, p));
    const anchors = caFiles[caFiles.length - 1]!;
    const intermediates = caFiles.slice(0, -1).flat();
    const crls = opts.crls.flatMap((p) => derObjects(readInput(io, p), 'X509 CRL'));
    const result = await verifyChain({ leaf, intermediates, anchors, at: opts.at ?? io.now(), crls });
    if (result.valid) return { exitCode: 0, stdout: json({ valid: true }), stderr: '' };
    return { exitCode: 1, stdout: json({ valid: false, error: errorJson(result.code) }), stderr: '' };
  } catch (err) {
    if (err instanceof AppError) return { exitCode: 1, stdout: json({ valid: false, error: errorJson(err.code) }), stderr: '' };
    throw err;
  }
}

export async function runCertCli(argv: string[], io: CliIo): Promise<CliResult> {
  const [command, ...rest] = argv;
  try {
    if (command === 'inspect') return inspect(rest, io);
    if (command === 'verify') return await verify(rest, io);
    throw new UsageError(command ? `unknown command ${command}` : 'no command');
  } catch (err) {
    if (err instanceof UsageError) return { exitCode: 2, stdout: '', stderr: `${err.message}\n${USAGE}\n` };
    throw err;
  }
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  runCertCli(process.argv.slice(2), { readFile: (p) => readFileSync(p), now: () => new Date() }).then(
    (r) => {
      process.stdout.write(r.stdout);
      process.stderr.write(r.stderr);
      process.exitCode = r.exitCode;
    },
    (err: unknown) => {
      process.stdout.write(json({ error: errorJson('ERR_INTERNAL') }));
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
