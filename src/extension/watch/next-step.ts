import * as path from 'node:path';

/**
 * A folder to watch may not exist yet (a fresh machine: ~/.escher appears with the first CLI
 * import or login). VS Code cannot watch a missing folder, so the watcher waits one level at a
 * time: it watches the deepest folder that exists for the next name on the way (a cheap,
 * non-recursive watch) and steps down when that appears. This says where to wait; undefined
 * when the target exists.
 */
export function nextStep(target: string, exists: (p: string) => boolean): { parent: string; child: string } | undefined {
  const abs = path.resolve(target);
  if (exists(abs)) return undefined;
  let child = abs;
  let parent = path.dirname(abs);
  while (!exists(parent) && parent !== path.dirname(parent)) {
    child = parent;
    parent = path.dirname(parent);
  }
  return { parent, child: path.basename(child) };
}
