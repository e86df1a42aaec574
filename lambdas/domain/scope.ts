/** Where an image lives: a group's catalog or the system-wide one. */
export interface Scope {
  group: string | null;
}

export const SYSTEM: Scope = { group: null };
export const groupScope = (group: string): Scope => ({ group });
export const describeScope = (s: Scope) => (s.group === null ? 'the system images' : `group "${s.group}"`);
