// The one dispatcher both hosts use (Electron IPC and the preview's HTTP). It takes whatever arrived,
// parses it against the contract and never throws: every outcome is a Result with a closed error code.
import { CONTRACT, isChannel, type Channel, type ContractHandlers } from '../../shared/contract';
import { AppError, fail, ok, type Result } from '../../shared/errors';

export interface InvokeContext {
  handlers: ContractHandlers;
  /** Set by the host after its own sender/origin check; false answers ERR_IPC_FORBIDDEN_SENDER. */
  senderVerified: boolean;
  /** Called once per call; gets no input values (they may hold personal data). */
  log?: (entry: { channel: string; ok: boolean; code?: string; ms: number }) => void;
}

export async function handleInvoke(channel: unknown, input: unknown, ctx: InvokeContext): Promise<Result<unknown>> {
  const started = Date.now();
  const result = await dispatch(channel, input, ctx);
  ctx.log?.({
    channel: isChannel(channel) ? channel : '(unknown)',
    ok: result.ok,
    ...(result.ok ? {} : { code: result.error.code }),
    ms: Date.now() - started,
  });
  return result;
}

async function dispatch(channel: unknown, input: unknown, ctx: InvokeContext): Promise<Result<unknown>> {
  try {
    if (!ctx.senderVerified) return fail(new AppError('ERR_IPC_FORBIDDEN_SENDER'));
    if (!isChannel(channel)) return fail(new AppError('ERR_IPC_UNKNOWN_CHANNEL'));
    const parsed = CONTRACT[channel].input.safeParse(input);
    if (!parsed.success) {
      // Paths and issue codes only: the rejected values could be anything, including personal data.
      const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), code: i.code }));
      return fail(new AppError('ERR_IPC_INVALID_INPUT', { channel, issues }));
    }
    const handler = ctx.handlers[channel] as (input: unknown) => Promise<unknown>;
    return ok(await handler(parsed.data));
  } catch (err) {
    return fail(err);
  }
}

export type { Channel };
