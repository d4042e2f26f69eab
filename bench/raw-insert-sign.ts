// The floor of a handoff that starts the moment a card is inserted (bench/handoff.ts): a plain process,
// no card host, no HTTP, started with the reader empty. From the moment pcsclite shows the card present
// it does what any login at insert must: wait for the module to list the token (OpenSC detects the card
// inside C_GetSlotList, build-notes.md), read the holder's certificate, open a session, log in, sign,
// log out and close. Polls the slot list every 20 ms, tighter than the app's 250 ms.
// `tsx bench/raw-insert-sign.ts <module> <reader> <pin> <idHex>`: prints "ready" once the reader is
// seen empty, then one JSON line {ms, tokenMs} after the signature.
import { openRawPcsc } from './raw-pcsc';
import { KeyType, Module, ObjectClass, SessionFlag, UserType, type PrivateKey, type Slot, type X509Certificate } from 'graphene-pk11';

const [modulePath, reader, pin, idHex] = process.argv.slice(2);
if (!modulePath || !reader || !pin || !idHex) throw new Error('usage: raw-insert-sign <module> <reader> <pin> <idHex>');
const id = Buffer.from(idHex, 'hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const mod = Module.load(modulePath);
mod.initialize();

function tokenSlot(): Slot | null {
  const slots = mod.getSlots(true);
  for (let i = 0; i < slots.length; i++) if (slots.items(i).slotDescription.includes(reader!)) return slots.items(i);
  return null;
}

async function signAtInsert(t0: number): Promise<{ ms: number; tokenMs: number }> {
  let slot = tokenSlot();
  while (!slot) {
    await sleep(20);
    slot = tokenSlot();
  }
  const tokenMs = performance.now() - t0;
  const session = slot.open(SessionFlag.SERIAL_SESSION);
  try {
    const cert = session.find({ class: ObjectClass.CERTIFICATE, id }).items(0).toType<X509Certificate>();
    if (cert.value.length === 0) throw new Error('empty certificate');
    session.login(pin!, UserType.USER);
    const key = session.find({ class: ObjectClass.PRIVATE_KEY, keyType: KeyType.RSA, id }).items(0).toType<PrivateKey>();
    session.createSign('SHA256_RSA_PKCS', key).once(Buffer.alloc(32, 7));
    session.logout();
  } finally {
    session.close();
  }
  return { ms: performance.now() - t0, tokenMs };
}

const pcsc = await openRawPcsc();
const result = await new Promise<{ ms: number; tokenMs: number }>((resolve, reject) => {
  pcsc.on('reader', (r) => {
    r.on('error', () => undefined);
    if (r.name !== reader) return;
    let empty = false;
    r.on('status', (st) => {
      if (!empty && (st.state & r.SCARD_STATE_EMPTY) !== 0) {
        empty = true;
        process.stdout.write('ready\n');
      } else if (empty && (st.state & r.SCARD_STATE_PRESENT) !== 0) {
        empty = false;
        signAtInsert(performance.now()).then(resolve, reject);
      }
    });
  });
});
process.stdout.write(`${JSON.stringify(result)}\n`);
pcsc.close();
mod.finalize();
