// A card host that starts, answers `read` with a token without pinpad, and never answers anything
// else: what a host stuck in the middleware looks like from the parent (supervisor deadline tests).
const send = (m: unknown) => process.send?.(m);
const reading = {
  reader: 'r', slotId: '00', tokenLabel: 't', tokenSerial: 's', certificates: [], authCertificateId: null,
  holder: null, holderError: null, validity: null,
  pin: { countLow: false, finalTry: false, locked: false, pinpad: false, minLength: 4, maxLength: 8 },
};
process.on('message', (m: { t?: string; id?: number; method?: string }) => {
  if (m.t === 'init') {
    send({ t: 'event', event: { type: 'readers', readers: [] } });
    send({ t: 'ready' });
  } else if (m.t === 'call' && m.method === 'read') {
    send({ t: 'result', id: m.id, ok: true, value: reading });
  }
});
process.on('disconnect', () => process.exit(0));
