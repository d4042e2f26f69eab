import { useEffect, useId, useState } from 'react';
import { useT } from '../../i18n';

// A read takes 1–2 s (card lab: ~0.5 s PC/SC + ~1.5 s token detection); the bar approaches the end
// in that time and never claims to be done before the answer is there.
const EXPECTED_MS = 1500;

export function ReadingProgress({ startedAt }: { startedAt: number }) {
  const t = useT();
  const id = useId();
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(performance.now()), 100);
    return () => clearInterval(timer);
  }, []);
  const value = Math.round(95 * (1 - Math.exp(-(now - startedAt) / (EXPECTED_MS / 2))));
  return (
    <div className="reading" role="status">
      <p id={id} className="reading__label">
        <span className="spinner" aria-hidden="true" />
        {t('card.reading')}
      </p>
      <progress className="reading__bar" max={100} value={value} aria-labelledby={id} aria-label={t('card.readingProgress')} />
    </div>
  );
}
