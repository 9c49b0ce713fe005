export const FAULT_NAMES = ['corrupt', 'truncate', 'status500', 'slow', 'expired-url', 'foreign-url', 'garbage'] as const;
export type FaultName = (typeof FAULT_NAMES)[number];

export interface FaultOptions {
  count?: number;
  seconds?: number;
  match?: string;
}

export interface FaultSpec extends FaultOptions {
  name: FaultName;
}

export function isFaultName(name: string): name is FaultName {
  return (FAULT_NAMES as readonly string[]).includes(name);
}

/**
 * Fault injection, so tests can watch the client cope with a misbehaving server.
 *   corrupt      blob bytes differ from the advertised sha256 (same length)
 *   truncate     blob response advertises the full Content-Length, then the connection is cut
 *   status500    requests answer 500
 *   slow         `seconds` (default 2) of delay before answering
 *   expired-url  download tickets carry an already expired URL
 *   foreign-url  download tickets point at another host (127.0.0.2)
 *   garbage      JSON responses are replaced by invalid JSON
 * `count` limits a fault to the next N requests it applies to; `match` to paths starting with it.
 * Admin routes are never faulted (tests must always be able to clear faults).
 */
export class FaultSet {
  private readonly active = new Map<FaultName, FaultOptions>();

  set(name: FaultName, options: FaultOptions = {}): void {
    this.active.set(name, { ...options });
  }

  clear(name?: FaultName): void {
    if (name) this.active.delete(name);
    else this.active.clear();
  }

  list(): FaultSpec[] {
    return [...this.active].map(([name, o]) => ({ name, ...o }));
  }

  /** The fault if it applies to `urlPath`; consumes one of its `count`. */
  take(name: FaultName, urlPath: string): FaultSpec | undefined {
    const f = this.active.get(name);
    if (!f || (f.match && !urlPath.startsWith(f.match))) return undefined;
    if (f.count !== undefined) {
      f.count -= 1;
      if (f.count <= 0) this.active.delete(name);
    }
    return { name, ...f };
  }
}
