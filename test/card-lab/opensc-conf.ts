// OpenSC may cache card files under ~/.cache/opensc keyed by the card serial; with file caching on,
// a re-inserted virtual card with other certificates could show stale ones. OpenSC 0.23 reads
// `use_file_caching` (yes | public | no) in `framework pkcs15`; the lab forces `no`.
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const OPENSC_LAB_CONF = join(tmpdir(), 'zorgid-card-lab', 'opensc.conf');

/** Writes (once) and returns the lab's OpenSC config path: no file caching, no debug output. */
export function openscLabConf(): string {
  if (!existsSync(OPENSC_LAB_CONF)) {
    mkdirSync(join(tmpdir(), 'zorgid-card-lab'), { recursive: true });
    writeFileSync(OPENSC_LAB_CONF, 'app default {\n\tframework pkcs15 {\n\t\tuse_file_caching = no;\n\t}\n}\n');
  }
  return OPENSC_LAB_CONF;
}

/** Environment additions for any process that loads opensc-pkcs11.so against the lab. */
export function openscLabEnv(): { OPENSC_CONF: string } {
  return { OPENSC_CONF: openscLabConf() };
}
