/** Where an image lives: a group's catalog or the system-wide one. */
export interface Scope {
  group: string | null;
}

export const SYSTEM: Scope = { group: null };
export const groupScope = (group: string): Scope => ({ group });
export const describeScope = (s: Scope) => (s.group === null ? 'the system images' : `group "${s.group}"`);

/**
 * The scope as one string, the one encoding outside the table's keys: in the spec hash (so a tag is
 * the scope's own), the build's GI_SCOPE variable (so its events name the scope) and the layer
 * cache's tag. Changing it changes every tag: identical specs would build again once.
 */
export const scopeKey = (scope: Scope) => (scope.group === null ? 'system' : `group:${scope.group}`);

/** The scope a scopeKey names; undefined when the text is not one. */
export function parseScopeKey(text: string): Scope | undefined {
  if (text === 'system') return SYSTEM;
  return text.startsWith('group:') && text.length > 'group:'.length ? groupScope(text.slice('group:'.length)) : undefined;
}
