// The card side of vpcd (vsmartcard-vpcd 3.3): we connect to the driver's TCP port and answer it.
// Wire format (build-notes.md): each message is a 2-byte big-endian length + payload either way. A
// 1-byte payload from vpcd is a control (0 off, 1 on, 2 reset, 4 get ATR — only 4 is answered);
// longer payloads are command APDUs, answered with the response APDU including SW1 SW2.
// Connected = card inserted; socket closed = card pulled.
import { EventEmitter } from 'node:events';
import { Socket } from 'node:net';

export const VPCD_HOST = '127.0.0.1';
export const VPCD_BASE_PORT = 35963;

export type VpcdControl = 'power-off' | 'power-on' | 'reset' | 'get-atr';
const CONTROLS: Record<number, VpcdControl> = { 0: 'power-off', 1: 'power-on', 2: 'reset', 4: 'get-atr' };

/** What a virtual card must do for the link. `transmit` may be slow or never settle (a hung card). */
export interface VirtualCard {
  atr(): Buffer;
  control?(what: Exclude<VpcdControl, 'get-atr'>): void;
  transmit(apdu: Buffer): Buffer | Promise<Buffer>;
}

export interface VpcdLinkOptions {
  reader?: number;
  host?: string;
  port?: number;
}

export interface VpcdLinkEvents {
  error: [Error];
  /** the socket closed (pulled by us, or vpcd/pcscd went away) */
  close: [];
  control: [VpcdControl];
  apdu: [command: Buffer, response: Buffer, ms: number];
}

/**
 * One card slot of one vpcd reader. `insert()` / `pull()` may be called any number of times; each
 * connection gets a fresh generation so a late answer from a slow or hung APDU of a previous
 * insertion is never written into the next one.
 */
export class VpcdLink extends EventEmitter<VpcdLinkEvents> {
  readonly reader: number;
  readonly host: string;
  readonly port: number;
  private socket: Socket | undefined;
  private generation = 0;
  private inbox = Buffer.alloc(0);
  // Messages are answered strictly in order: vpcd reads replies in the order it asked.
  private queue: Promise<void> = Promise.resolve();
  private atrWaiters: Array<() => void> = [];
  apduCount = 0;

  constructor(
    private readonly card: VirtualCard,
    options: VpcdLinkOptions = {},
  ) {
    super();
    this.reader = options.reader ?? 0;
    this.host = options.host ?? VPCD_HOST;
    this.port = options.port ?? VPCD_BASE_PORT + this.reader;
  }

  get inserted(): boolean {
    return this.socket !== undefined;
  }

  /**
   * Connects to vpcd (= inserts the card). Retries a refused connection until `timeoutMs` (pcscd may
   * be starting). Resolves once connected; pass `waitForAtr` to resolve only after pcscd has asked for
   * the ATR, i.e. after pcscd has noticed the card.
   */
  async insert(opts: { timeoutMs?: number; waitForAtr?: boolean } = {}): Promise<void> {
    const timeoutMs = opts.timeoutMs ?? 5000;
    if (this.socket) return;
    const until = Date.now() + timeoutMs;
    const atrSeen = opts.waitForAtr ? this.nextAtrRequest(timeoutMs) : undefined;
    for (;;) {
      try {
        await this.connectOnce();
        break;
      } catch (e) {
        if (Date.now() > until) {
          atrSeen?.catch(() => undefined);
          throw new Error(`vpcd reader ${this.reader} (${this.host}:${this.port}) refused the card: ${(e as Error).message}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    await atrSeen;
  }

  /** Closes the socket (= pulls the card) and waits until it is closed. */
  async pull(): Promise<void> {
    const s = this.socket;
    if (!s) return;
    this.detach();
    await new Promise<void>((resolve) => {
      if (s.destroyed) return resolve();
      s.once('close', () => resolve());
      s.destroy();
    });
  }

  /** Resolves at the next ATR request from vpcd (pcscd polls about once a second). */
  nextAtrRequest(timeoutMs = 5000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.atrWaiters = this.atrWaiters.filter((w) => w !== done);
        reject(new Error(`vpcd reader ${this.reader}: no ATR request within ${timeoutMs} ms (is pcscd running?)`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.atrWaiters.push(done);
    });
  }

  private connectOnce(): Promise<void> {
    return new Promise((resolve, reject) => {
      const s = new Socket();
      const generation = ++this.generation;
      s.setNoDelay(true);
      const onConnectError = (e: Error) => {
        s.destroy();
        reject(e);
      };
      s.once('error', onConnectError);
      s.connect(this.port, this.host, () => {
        s.off('error', onConnectError);
        this.socket = s;
        this.inbox = Buffer.alloc(0);
        this.queue = Promise.resolve();
        s.on('data', (chunk) => this.onData(chunk, generation));
        s.on('error', (e) => {
          if (this.listenerCount('error') > 0) this.emit('error', e);
        });
        s.on('close', () => {
          if (this.generation === generation && this.socket === s) {
            this.detach();
          }
          this.emit('close');
        });
        resolve();
      });
    });
  }

  private detach(): void {
    this.socket = undefined;
    this.generation++;
    this.inbox = Buffer.alloc(0);
  }

  private onData(chunk: Buffer, generation: number): void {
    if (generation !== this.generation) return;
    this.inbox = Buffer.concat([this.inbox, chunk]);
    while (this.inbox.length >= 2) {
      const len = this.inbox.readUInt16BE(0);
      if (this.inbox.length < 2 + len) break;
      const msg = Buffer.from(this.inbox.subarray(2, 2 + len));
      this.inbox = this.inbox.subarray(2 + len);
      this.queue = this.queue.then(() => this.handle(msg, generation)).catch((e: unknown) => {
        if (this.listenerCount('error') > 0) this.emit('error', e instanceof Error ? e : new Error(String(e)));
      });
    }
  }

  private async handle(msg: Buffer, generation: number): Promise<void> {
    if (generation !== this.generation) return;
    if (msg.length === 1) {
      const what = CONTROLS[msg[0]!];
      if (!what) return;
      this.emit('control', what);
      if (what === 'get-atr') {
        this.send(this.card.atr(), generation);
        const waiters = this.atrWaiters;
        this.atrWaiters = [];
        for (const w of waiters) w();
      } else {
        this.card.control?.(what);
      }
      return;
    }
    const started = performance.now();
    this.apduCount++;
    const response = await this.card.transmit(msg);
    this.emit('apdu', msg, response, performance.now() - started);
    this.send(response, generation);
  }

  private send(payload: Buffer, generation: number): void {
    const s = this.socket;
    if (!s || generation !== this.generation || s.destroyed) return;
    const header = Buffer.alloc(2);
    header.writeUInt16BE(payload.length);
    s.write(Buffer.concat([header, payload]));
  }
}
