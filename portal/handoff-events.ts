// Wakes the wait page's event streams of one handoff request when its state changes, and every stream
// when the portal closes (open streams would keep the server from closing).
export interface HandoffEvents {
  notify(id: string): void;
  /** Calls `wake` on every change of request `id`, until the returned function is called. */
  subscribe(id: string, wake: () => void): () => void;
  readonly closing: boolean;
  close(): void;
}

export function createHandoffEvents(): HandoffEvents {
  const listeners = new Map<string, Set<() => void>>();
  let closing = false;
  return {
    notify: (id) => listeners.get(id)?.forEach((fn) => fn()),
    subscribe(id, wake) {
      const set = listeners.get(id) ?? new Set();
      listeners.set(id, set);
      set.add(wake);
      return () => {
        set.delete(wake);
        if (set.size === 0) listeners.delete(id);
      };
    },
    get closing() {
      return closing;
    },
    close() {
      closing = true;
      for (const set of listeners.values()) set.forEach((wakeStream) => wakeStream());
    },
  };
}
