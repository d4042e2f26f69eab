// @peculiar/x509 2.x pulls in tsyringe, which refuses to load without the Reflect metadata API
// ("tsyringe requires a reflect polyfill"), and reflect-metadata is not a dependency of this repo.
// tsyringe only stores and reads "design:paramtypes" (absent under esbuild), so this minimal API is
// enough. Import this module before '@peculiar/x509'.
type Target = object;
const store = new WeakMap<Target, Map<string | symbol | undefined, Map<unknown, unknown>>>();
const r = Reflect as unknown as Record<string, unknown>;

function table(target: Target, prop: string | symbol | undefined, create: boolean): Map<unknown, unknown> | undefined {
  let byProp = store.get(target);
  if (!byProp && create) store.set(target, (byProp = new Map()));
  let t = byProp?.get(prop);
  if (!t && create && byProp) byProp.set(prop, (t = new Map()));
  return t;
}

if (typeof r.getMetadata !== 'function') {
  const getOwn = (key: unknown, target: Target, prop?: string | symbol) => table(target, prop, false)?.get(key);
  r.defineMetadata = (key: unknown, value: unknown, target: Target, prop?: string | symbol) => {
    table(target, prop, true)!.set(key, value);
  };
  r.getOwnMetadata = getOwn;
  const get = (key: unknown, target: Target, prop?: string | symbol): unknown => {
    for (let t: Target | null = target; t; t = Object.getPrototypeOf(t) as Target | null) {
      const v = getOwn(key, t, prop);
      if (v !== undefined) return v;
    }
    return undefined;
  };
  r.getMetadata = get;
  r.hasMetadata = (key: unknown, target: Target, prop?: string | symbol) => get(key, target, prop) !== undefined;
  r.metadata = (key: unknown, value: unknown) => (target: Target, prop?: string | symbol) => {
    table(target, prop, true)!.set(key, value);
  };
}

export {};
