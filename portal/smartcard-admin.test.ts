// Administrators and beheerders block, unblock and remove ZORG-ID Smartcard accounts like Mobiel IDs,
// through the same authorisation check (portal-rules.md "ZORG-ID Smartcard", §2). Real portal over
// loopback, real SQLite, people logged in with the Mobile App simulator.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMobileApp } from '../test/fakes/mobile-app';
import type { SmartcardRecord } from './store/store';
import { DAY, ORG_A, ORG_B, T0, api, createAdminWorld, type AdminWorld, type Member } from './test/admin-fixture';

describe('Smartcard accounts in the administration', () => {
  let world: AdminWorld;
  let admin: Member;
  let beheerder: Member;
  let gebruiker: Member;
  let otherAdmin: Member;
  const card: SmartcardRecord = {
    id: 'sc-AAAAAAAAAAAAAAAAAAAA',
    uziNumber: '900016528',
    ura: ORG_A.ura,
    personId: null,
    name: 'Anna Maria de Vries',
    certSha256: 'ab'.repeat(32),
    certDer: 'MA==',
    serialHex: '40'.repeat(16),
    status: 'pending',
    activationChallenge: 'x'.repeat(43),
    createdAt: T0,
    activatedAt: null,
    blockReason: null,
    blockedAt: null,
    removedAt: null,
  };
  const op = (m: Member | null, name: string, body: unknown) =>
    m ? api(m.browser, 'POST', `/api/beheer/smartcards/${card.id}/${name}`, body) : fetch(`${world.portal.url}/api/beheer/smartcards/${card.id}/${name}`, { method: 'POST', body: '{}' });

  beforeAll(async () => {
    world = await createAdminWorld();
    admin = await world.member({ ura: ORG_A.ura, role: 'Administrator' });
    beheerder = await world.member({ ura: ORG_A.ura, role: 'Beheerder' });
    gebruiker = await world.member({ ura: ORG_A.ura, role: 'Gebruiker' });
    otherAdmin = await world.member({ ura: ORG_B.ura, role: 'Administrator' });
    expect(await world.portal.store.createSmartcard(card)).toBe(true);
    expect(await world.portal.store.setSmartcardStatus(card.id, ['pending'], 'active', T0)).toBe(true);
  }, 60_000);
  afterAll(() => world?.close());

  it('refuses people without the right role in the card’s organisation', async () => {
    expect((await op(null, 'blokkeren', {})) as Response).toMatchObject({ status: 401 });
    expect(await op(gebruiker, 'blokkeren', { reden: 'verdachte-activiteit' })).toMatchObject({ status: 403, json: { code: 'ERR_ADMIN_FORBIDDEN' } });
    expect(await op(otherAdmin, 'blokkeren', { reden: 'verdachte-activiteit' })).toMatchObject({ status: 403, json: { code: 'ERR_ADMIN_FORBIDDEN' } });
    expect((await world.portal.store.getSmartcard(card.id))?.status).toBe('active');
  });

  it('lets a beheerder block (with a reason from the list) and an administrator unblock and remove', async () => {
    expect(await op(beheerder, 'blokkeren', { reden: 'onzin' })).toMatchObject({ status: 400 });
    expect(await op(beheerder, 'blokkeren', { reden: 'verdachte-activiteit' })).toMatchObject({
      status: 200,
      json: { smartcard: { status: 'blocked', blockReason: 'verdachte-activiteit' } },
    });
    expect(await op(admin, 'deblokkeren', { bevestigd: 'ja' })).toMatchObject({ status: 200, json: { smartcard: { status: 'active' } } });
    expect(await op(admin, 'verwijderen', { bevestigd: 'ja' })).toMatchObject({ status: 200, json: { smartcard: { status: 'removed' } } });
    expect(await op(admin, 'deblokkeren', { bevestigd: 'ja' })).toMatchObject({ status: 409 });
    // Removed: the person may create a new Smartcard.
    expect(await world.portal.store.findLiveSmartcardByUzi(card.uziNumber)).toBeNull();
    const list = await api(admin.browser, 'GET', `/api/beheer/organisaties/${ORG_A.ura}/smartcards`);
    expect(list).toMatchObject({ status: 200, json: { smartcards: [{ id: card.id, status: 'removed' }] } });
    const audit = await world.portal.store.listAudit();
    expect(audit.filter((a) => a.action.startsWith('admin.smartcard.') && a.outcome === 'ok').map((a) => a.action)).toEqual(
      expect.arrayContaining(['admin.smartcard.user.block', 'admin.smartcard.user.unblock', 'admin.smartcard.user.remove']),
    );
  });

  it('refuses a Mobiel ID for someone with a live Smartcard (one or the other)', async () => {
    const other: SmartcardRecord = { ...card, id: 'sc-BBBBBBBBBBBBBBBBBBBB', uziNumber: '900016529', certSha256: 'cd'.repeat(32), status: 'pending' };
    expect(await world.portal.store.createSmartcard(other)).toBe(true);
    expect(await world.portal.store.setSmartcardStatus(other.id, ['pending'], 'active', T0)).toBe(true);
    const code = 'smartcard-holder-enrolment-code-0001';
    await world.portal.store.issueEnrolmentCode(
      {
        codeHash: createHash('sha256').update(code).digest('hex'), validationId: null, personId: null, uziNumber: '900016529', holderName: 'Sanne Jansen',
        ura: ORG_A.ura, role: 'Gebruiker', birthDate: '1990-01-01', createdAt: T0, expiresAt: T0 + 10 * DAY, usedAt: null, voidedAt: null, voidReason: null, attempts: 0,
      },
      T0,
    );
    const payload = `zorgid://enrol?portal=${encodeURIComponent(world.portal.origin)}&code=${code}`;
    await expect(createMobileApp().enrol({ payload }, '1990-01-01')).rejects.toMatchObject({ code: 'ERR_SMARTCARD_HOLDER_NO_MOBIEL_ID' });
    expect(await world.portal.store.findMobileIdByUzi('900016529')).toBeNull();
  });
});
