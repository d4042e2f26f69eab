import type { ReaderState } from '../shared/domain';

/** Dutch tooltip text for a reader snapshot (the tray follows the OS, the app's language is nl first). */
export function trayStatus(readers: ReaderState[], serviceDown: boolean): string {
  if (serviceDown) return 'Smartcarddienst niet beschikbaar';
  if (readers.length === 0) return 'Geen kaartlezer';
  const cards = readers.filter((r) => r.present);
  if (cards.length === 0) return 'Geen pas geplaatst';
  return cards.map((r) => `${r.cardName ?? 'Pas'} in ${r.name}`).join('\n');
}
