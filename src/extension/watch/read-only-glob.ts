/**
 * The `files.readonlyInclude` entry that makes VS Code open every file of the store's version
 * folders read-only (`<playbooksDir>/<area>/<id>/v<version>/**`), so typing into a stored script
 * is refused by the editor before the file's 0444 mode refuses the save. An absolute pattern,
 * since the store is usually outside the workspace (VS Code matches those against the full path).
 * Drafts live outside playbooks/ and stay editable.
 */
export function storeReadOnlyGlob(playbooksDir: string): string | undefined {
  const dir = playbooksDir.replace(/\\/g, '/').replace(/\/+$/, '');
  // A folder name with glob syntax in it cannot be written as a literal pattern: better no entry
  // than one that marks (or misses) other files. The on-disk modes still protect the store.
  if (/[*?{}[\]!]/.test(dir)) return undefined;
  return `${dir}/*/*/v*/**`;
}

/**
 * The user-level `files.readonlyInclude` value with the store's entry added, or undefined when
 * nothing needs writing: already there, or set to false by the user (who opted out: respected).
 */
export function withStoreReadOnly(current: unknown, glob: string): Record<string, unknown> | undefined {
  const value = current !== null && typeof current === 'object' && !Array.isArray(current) ? (current as Record<string, unknown>) : {};
  if (glob in value) return undefined;
  return { ...value, [glob]: true };
}
