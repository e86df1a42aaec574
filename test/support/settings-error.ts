import { expect } from '@jest/globals';
import { parseSettings, SettingsError, type RawSettings } from '../../bin/settings.ts';

/** The message `cdk synth` would fail with for these settings; fails the test when they are accepted. */
export function settingsError(raw: RawSettings): string {
  try {
    parseSettings(raw);
  } catch (e) {
    expect(e).toBeInstanceOf(SettingsError);
    return (e as Error).message;
  }
  throw new Error('expected the settings to be refused');
}
