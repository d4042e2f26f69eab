// Tray icon whose tooltip says what is in the readers, from the same card event stream as the window.
import { Menu, Tray, nativeImage } from 'electron';
import type { CardEvent, ReaderState } from '../shared/domain';
import { trayStatus } from './tray-status';

export interface TrayOptions {
  iconPath: string;
  subscribe: (listener: (event: CardEvent) => void) => () => void;
  open: () => void;
  quit: () => void;
}

export function setupTray(options: TrayOptions): () => void {
  const image = nativeImage.createFromPath(options.iconPath);
  const tray = new Tray(image.isEmpty() ? options.iconPath : image.resize({ width: 16, height: 16 }));
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'ZORG-ID Desktop openen', click: options.open },
      { type: 'separator' },
      { label: 'Afsluiten', click: options.quit },
    ]),
  );
  tray.on('click', options.open);
  let readers: ReaderState[] = [];
  let serviceDown = false;
  const update = (): void => tray.setToolTip(`ZORG-ID Desktop\n${trayStatus(readers, serviceDown)}`);
  update();
  const unsubscribe = options.subscribe((event) => {
    if (event.type === 'readers') readers = event.readers;
    else if (event.type === 'service') serviceDown = event.status === 'down';
    else return;
    update();
  });
  return () => {
    unsubscribe();
    tray.destroy();
  };
}
