// The slice of Electron's API this app uses, declared here because the Electron package (and with it
// electron.d.ts) is an optional dependency that npm drops where its binary cannot be downloaded
// (build-notes.md). DELETE THIS FILE where electron is installed: electron.d.ts declares the same
// ambient module and the two would clash. Signatures follow electron.d.ts of Electron 45.
declare module 'electron' {
  type Listener = (...args: any[]) => void; // eslint-disable-line @typescript-eslint/no-explicit-any

  interface WebFrameMain {
    readonly url: string;
    readonly top: WebFrameMain | null;
    readonly parent: WebFrameMain | null;
  }

  interface WebContents {
    readonly id: number;
    readonly mainFrame: WebFrameMain;
    send(channel: string, ...args: unknown[]): void;
    isDestroyed(): boolean;
    getURL(): string;
    setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' } | { action: 'allow' }): void;
    on(event: 'will-navigate' | 'will-redirect' | 'will-frame-navigate', listener: (event: { preventDefault(): void; url?: string }, url: string) => void): this;
    on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): this;
    on(event: string, listener: Listener): this;
  }

  interface WebPreferences {
    preload?: string;
    contextIsolation?: boolean;
    sandbox?: boolean;
    nodeIntegration?: boolean;
    nodeIntegrationInSubFrames?: boolean;
    nodeIntegrationInWorker?: boolean;
    webSecurity?: boolean;
    allowRunningInsecureContent?: boolean;
    experimentalFeatures?: boolean;
    webviewTag?: boolean;
    navigateOnDragDrop?: boolean;
    spellcheck?: boolean;
    devTools?: boolean;
  }

  interface BrowserWindowConstructorOptions {
    width?: number;
    height?: number;
    minWidth?: number;
    minHeight?: number;
    show?: boolean;
    title?: string;
    backgroundColor?: string;
    autoHideMenuBar?: boolean;
    icon?: string;
    webPreferences?: WebPreferences;
  }

  class BrowserWindow {
    constructor(options?: BrowserWindowConstructorOptions);
    static getAllWindows(): BrowserWindow[];
    readonly webContents: WebContents;
    loadURL(url: string): Promise<void>;
    loadFile(path: string): Promise<void>;
    show(): void;
    focus(): void;
    restore(): void;
    isMinimized(): boolean;
    isDestroyed(): boolean;
    once(event: 'ready-to-show' | 'closed', listener: () => void): this;
    on(event: 'closed', listener: () => void): this;
  }

  interface IpcMainInvokeEvent {
    readonly sender: WebContents;
    readonly senderFrame: WebFrameMain | null;
  }

  interface IpcMain {
    handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown): void;
    removeHandler(channel: string): void;
  }

  interface IpcRendererEvent {
    readonly senderId: number;
  }

  interface IpcRenderer {
    invoke(channel: string, ...args: unknown[]): Promise<unknown>;
    on(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): this;
    removeListener(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): this;
  }

  interface ContextBridge {
    exposeInMainWorld(apiKey: string, api: unknown): void;
  }

  interface Session {
    setPermissionRequestHandler(handler: ((webContents: WebContents, permission: string, callback: (granted: boolean) => void) => void) | null): void;
    setPermissionCheckHandler(handler: ((webContents: WebContents | null, permission: string) => boolean) | null): void;
    setDevicePermissionHandler?(handler: (details: unknown) => boolean): void;
    readonly webRequest: {
      onHeadersReceived(
        listener: (
          details: { url: string; responseHeaders?: Record<string, string[]> },
          callback: (response: { responseHeaders?: Record<string, string[]>; cancel?: boolean }) => void,
        ) => void,
      ): void;
    };
  }

  interface App {
    readonly isPackaged: boolean;
    whenReady(): Promise<void>;
    quit(): void;
    exit(code?: number): void;
    enableSandbox(): void;
    getVersion(): string;
    getPath(name: 'userData' | 'logs' | 'temp'): string;
    requestSingleInstanceLock(): boolean;
    setAsDefaultProtocolClient(protocol: string, path?: string, args?: string[]): boolean;
    on(event: 'second-instance', listener: (event: unknown, argv: string[], workingDirectory: string) => void): this;
    on(event: 'open-url', listener: (event: { preventDefault(): void }, url: string) => void): this;
    on(event: 'web-contents-created', listener: (event: unknown, contents: WebContents) => void): this;
    on(event: 'window-all-closed' | 'activate' | 'before-quit', listener: () => void): this;
  }

  interface UtilityProcess {
    readonly pid: number | undefined;
    postMessage(message: unknown): void;
    kill(): boolean;
    on(event: 'message', listener: (message: unknown) => void): this;
    on(event: 'exit', listener: (code: number) => void): this;
    on(event: 'spawn', listener: () => void): this;
    once(event: 'exit', listener: (code: number) => void): this;
  }

  interface UtilityProcessStatic {
    fork(
      modulePath: string,
      args?: string[],
      options?: { env?: Record<string, string | undefined>; serviceName?: string; stdio?: 'inherit' | 'pipe' | 'ignore'; allowLoadingUnsignedLibraries?: boolean },
    ): UtilityProcess;
  }

  interface NativeImage {
    isEmpty(): boolean;
    resize(options: { width: number; height: number }): NativeImage;
  }

  interface MenuItemConstructorOptions {
    label?: string;
    type?: 'normal' | 'separator';
    enabled?: boolean;
    click?: () => void;
    role?: 'quit';
  }

  class Menu {
    static buildFromTemplate(template: MenuItemConstructorOptions[]): Menu;
    static setApplicationMenu(menu: Menu | null): void;
  }

  class Tray {
    constructor(image: NativeImage | string);
    setToolTip(text: string): void;
    setContextMenu(menu: Menu | null): void;
    on(event: 'click', listener: () => void): this;
    destroy(): void;
  }

  export const app: App;
  export const ipcMain: IpcMain;
  export const ipcRenderer: IpcRenderer;
  export const contextBridge: ContextBridge;
  export const session: { readonly defaultSession: Session };
  export const utilityProcess: UtilityProcessStatic;
  export const nativeImage: { createFromPath(path: string): NativeImage };
  export const protocol: { registerSchemesAsPrivileged(schemes: { scheme: string; privileges: Record<string, boolean> }[]): void };
  export { BrowserWindow, Menu, Tray };
  export type {
    App,
    BrowserWindowConstructorOptions,
    IpcMainInvokeEvent,
    IpcRendererEvent,
    NativeImage,
    Session,
    UtilityProcess,
    WebContents,
    WebFrameMain,
  };
}
