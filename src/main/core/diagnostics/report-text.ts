// The diagnostics report as text a helpdesk reads over the phone or in a ticket. English labels on
// purpose: the helpdesk (and the middleware vendor) read it, whatever the app's language.
import type { DiagnosticReport } from './report';
import type { ModuleDiagnosis, ReaderDiagnosis } from './host-diagnosis';

const show = (v: unknown): string => (v === null || v === undefined ? '—' : Array.isArray(v) ? (v.length ? v.join(', ') : '(none)') : String(v));

function readerLines(r: ReaderDiagnosis): string[] {
  if (!r.present) return [`  - ${r.name}: no card`];
  return [`  - ${r.name}: ${r.recognised ?? 'card'}`, `      ATR ${show(r.atr)} (family ${show(r.family)})`];
}

function moduleLines(m: ModuleDiagnosis): string[] {
  const out = [`  - ${m.role === 'uzi' ? 'UZI-pas middleware' : 'Smartcard module'}: ${m.loaded ? 'loaded' : `not loaded (${show(m.error)})`}`];
  out.push(`      configured: ${m.configured ?? '(search list)'}`);
  for (const t of m.tried) out.push(`      tried ${t.path} — ${t.exists ? 'present' : 'missing'}`);
  if (!m.info) return out;
  const i = m.info;
  out.push(`      C_GetInfo: ${i.manufacturer} / ${i.description}, library ${i.libraryVersion}, Cryptoki ${i.cryptokiVersion}`);
  out.push(`      slots: ${i.slots.length}`);
  for (const s of i.slots) {
    out.push(`      · slot ${s.slotId} "${s.description}": ${s.tokenPresent ? 'token present' : 'empty'}`);
    if (!s.token) continue;
    const t = s.token;
    out.push(`          token "${t.label}" (${t.manufacturer} ${t.model}), PIN ${t.pin}`);
    out.push(`          flags ${show(t.flags)}`);
    for (const c of t.certificates) {
      out.push(
        `          certificate: ${c.usage}, pastype ${show(c.pastype)}, ${c.keyType}-${show(c.keyBits)}, valid ${c.notBefore.slice(0, 10)} – ${c.notAfter.slice(0, 10)}, issuer "${c.issuer}"`,
      );
    }
  }
  return out;
}

export function reportText(r: DiagnosticReport): string {
  const lines: string[] = [];
  const section = (title: string) => lines.push('', `== ${title} ==`);
  lines.push(`ZORG-ID Desktop diagnostics (${r.format})`, `Created: ${r.createdAt}`);
  section('App');
  lines.push(
    `  ${r.app.name} ${r.app.version} (commit ${show(r.app.commit)}), mode ${r.app.mode}`,
    `  OS: ${r.app.os.platform} ${r.app.os.release} ${r.app.os.arch}`,
    `  Electron ${r.app.versions.electron}, Chromium ${r.app.versions.chromium}, Node ${r.app.versions.node}`,
  );
  section('Settings (effective value and source)');
  for (const s of r.settings) lines.push(`  ${s.key} = ${JSON.stringify(s.value)} [${s.source}]`);
  section('Smart card service (PC/SC) and readers');
  if (!r.card) lines.push(`  card host: ${r.cardError ? `unavailable (${r.cardError})` : 'not used here (in-process demo card)'}`);
  else {
    const p = r.card.pcsc;
    lines.push(`  PC/SC: ${!p.enabled ? 'not watched' : p.reachable ? 'reachable' : `unreachable (${show(p.error)})`}`);
    lines.push(`  readers: ${r.card.readers.length}`);
    for (const reader of r.card.readers) lines.push(...readerLines(reader));
    section('PKCS#11 modules');
    for (const m of r.card.modules) lines.push(...moduleLines(m));
    if (r.card.modules.length === 0) lines.push('  (none started)');
  }
  section('Loopback listener');
  lines.push(`  ${r.listener.state}${r.listener.port !== null ? ` on 127.0.0.1:${r.listener.port}` : ''}${'error' in r.listener && r.listener.error ? ` (${r.listener.error})` : ''}`);
  section(`Last ${r.errors.length} error codes`);
  for (const e of r.errors) lines.push(`  ${e.at} ${e.area} ${e.code}`);
  if (r.errors.length === 0) lines.push('  (none)');
  section('Audit log');
  lines.push(r.audit ? `  ${r.audit.verified ? 'chain verifies' : `chain BROKEN: ${show(r.audit.problem)}`} (${r.audit.records} records)` : '  (no audit log here)');
  section('App log');
  lines.push(`  file: ${show(r.log.path)}`);
  for (const l of r.log.lastLines) lines.push(`  ${l}`);
  return `${lines.join('\n')}\n`;
}
