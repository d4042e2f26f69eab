// The renderer's only door to the app: a typed client for window.zorgid. It does not know (or ask)
// whether Electron's preload or the preview bridge provides it.
import type { Channel, ChannelResult, EventName, EventPayload, InvokeArgs } from '../../shared/contract';
import type { Result } from '../../shared/errors';

export async function invoke<C extends Channel>(channel: C, ...args: InvokeArgs<C>): Promise<Result<ChannelResult<C>>> {
  try {
    return await window.zorgid.invoke(channel, ...args);
  } catch {
    // The bridge already answers with Results; this is the last net so a screen never sees a throw.
    return { ok: false, error: { code: 'ERR_INTERNAL', kind: 'fatal' } };
  }
}

export function on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
  return window.zorgid.on(event, listener);
}
