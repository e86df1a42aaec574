/**
 * Context keys that look like this project's settings but are not one: a typo (`jwtIsuer`,
 * `corsOrigin`) must stop synth, never deploy a stack without the setting. CDK puts its own keys in
 * the same context (feature flags `@aws-cdk/...:...`, `aws:cdk:...`, lookups `availability-zones:...`,
 * `acknowledged-issue-numbers`); those always hold `@`, `:` or `-`, which no setting of ours does, so a
 * key is ours when it is a plain identifier, or when it spells a setting with other separators or case.
 */

const normalised = (key: string) => key.toLowerCase().replace(/[-_.\s]/g, '');

/** A plain identifier is in the project's namespace. */
const PROJECT_KEY = /^[A-Za-z][A-Za-z0-9_]*$/;

/** Levenshtein distance, case-insensitive. */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[y.length]!;
}

/** The known setting nearest to `key`, when it is near enough to be what was meant. */
export function closestSetting(key: string, known: readonly string[]): string | undefined {
  const exact = known.find((k) => normalised(k) === normalised(key));
  if (exact) return exact;
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(key, candidate);
    if (!best || distance < best.distance) best = { key: candidate, distance };
  }
  // A third of the name's length (at least 2) is a typo; more is another word.
  return best && best.distance <= Math.max(2, Math.floor(key.length / 3)) ? best.key : undefined;
}

/** One line per context key that is in the project's namespace but no known setting. */
export function unknownSettings(contextKeys: readonly string[], known: readonly string[]): { key: string; message: string }[] {
  const knownSet = new Set(known);
  const normalisedKnown = new Set(known.map(normalised));
  return contextKeys
    .filter((key) => !knownSet.has(key) && (PROJECT_KEY.test(key) || normalisedKnown.has(normalised(key))))
    .map((key) => {
      const suggestion = closestSetting(key, known);
      return {
        key,
        message: suggestion ? `is not a setting: did you mean ${suggestion}?` : `is not a setting (the settings are listed in README.md, "Deploying to AWS")`,
      };
    });
}
