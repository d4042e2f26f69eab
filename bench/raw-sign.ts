// Baseline for the sign-overhead benchmark: the same PKCS#11 calls our sign path makes (open session,
// login, find the private key by CKA_ID, C_Sign SHA256_RSA_PKCS, logout, close), straight through
// graphene-pk11 in a plain process, no card host, no IPC. Prints JSON timings on stdout.
import { KeyType, Module, ObjectClass, SessionFlag, UserType, type PrivateKey } from 'graphene-pk11';

const [modulePath, tokenLabel, pin, idHex, countArg] = process.argv.slice(2);
if (!modulePath || !tokenLabel || !pin || !idHex) throw new Error('usage: raw-sign <module> <label> <pin> <idHex> [count]');
const count = Number(countArg ?? 100);

const mod = Module.load(modulePath);
mod.initialize();
try {
  const slots = mod.getSlots(true);
  let slot = null;
  for (let i = 0; i < slots.length; i++) {
    const s = slots.items(i);
    // `reader=<name>`: the token in that PC/SC reader (OpenSC names the reader in the slot description).
    const match = tokenLabel.startsWith('reader=') ? s.slotDescription.includes(tokenLabel.slice(7)) : s.getToken().label.trim() === tokenLabel;
    if (match) slot = s;
  }
  if (!slot) throw new Error(`token ${tokenLabel} not found`);
  const data = Buffer.alloc(32, 7);
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const session = slot.open(SessionFlag.SERIAL_SESSION);
    try {
      session.login(pin, UserType.USER);
      const key = session.find({ class: ObjectClass.PRIVATE_KEY, keyType: KeyType.RSA, id: Buffer.from(idHex, 'hex') }).items(0).toType<PrivateKey>();
      session.createSign('SHA256_RSA_PKCS', key).once(data);
      session.logout();
    } finally {
      session.close();
    }
    times.push(performance.now() - t0);
  }
  process.stdout.write(JSON.stringify({ times }));
} finally {
  mod.finalize();
}
