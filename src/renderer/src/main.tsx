import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './styles.css';

// Build-time flag (vite define): true in the browser preview's build, false in the Electron build, so
// the installed app carries no preview bridge.
declare const __ZORGID_PREVIEW__: boolean;

async function boot(): Promise<void> {
  // Electron's preload defines window.zorgid before any script runs; in the browser preview it does not
  // exist yet and the bridge provides the same API. Nothing after this line can tell the difference.
  if (__ZORGID_PREVIEW__ && !('zorgid' in window)) (await import('./preview-bridge')).installPreviewBridge();
  const root = document.getElementById('root');
  if (!root) throw new Error('no #root');
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}

void boot();
