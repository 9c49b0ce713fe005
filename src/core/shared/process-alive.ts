/**
 * Whether a process with this pid exists on this machine (signal 0 probes without signalling).
 * EPERM means it exists but belongs to someone else: still alive. Used to tell leftovers of dead
 * processes (temp folders, lock files naming a pid) from those of running ones.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
