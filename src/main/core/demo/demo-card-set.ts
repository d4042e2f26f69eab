// Which cards the demo shows: the card lab's when its certificates are there, otherwise the
// placeholder set of demo-cards.ts.
import type { DemoCard } from './demo-card-service';
import { asZorgidSmartcard, placeholderDemoCards } from './demo-cards';

/** The demo's cards: from the card lab when it is there, otherwise the placeholder set. */
export async function loadDemoCards(now: number, log: (line: string) => void = () => {}): Promise<{ cards: DemoCard[]; source: 'card-lab' | 'placeholder' }> {
  try {
    const { cardLabDemoCards } = await import('./card-lab-cards');
    const cards = await cardLabDemoCards();
    if (cards) return { cards: cards.map(asZorgidSmartcard), source: 'card-lab' };
  } catch (err) {
    log(`demo: card lab certificates unavailable (${err instanceof Error ? err.message : String(err)}); using placeholder cards`);
  }
  return { cards: placeholderDemoCards(now), source: 'placeholder' };
}
