/**
 * Reads the phases of buildspecs/image-build.yml without a YAML library: only the subset that
 * file uses (`phases:` -> `<phase>:` -> `commands:` -> items that are `- |` literal blocks or plain
 * one-line strings). Anything else in the phases section is an error, so a change to the buildspec
 * that this reader would misread fails loudly (its test parses the real file).
 */

export interface BuildspecPhase {
  name: string;
  /** Each command as bash receives it; run them in order, each with `bash -c`. */
  commands: string[];
}

const indentOf = (line: string) => line.length - line.trimStart().length;

export function buildspecPhases(text: string): BuildspecPhase[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l === 'phases:');
  if (start < 0) throw new Error('buildspec has no top-level "phases:"');
  const phases: BuildspecPhase[] = [];
  let phase: BuildspecPhase | null = null;
  let inCommands = false;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const indent = indentOf(line);
    if (indent === 0) break; // the next top-level key
    if (indent === 2 && /^ {2}[a-z_]+:$/.test(line)) {
      phase = { name: line.trim().slice(0, -1), commands: [] };
      phases.push(phase);
      inCommands = false;
    } else if (indent === 4 && line.trim() === 'commands:' && phase) {
      inCommands = true;
    } else if (indent === 6 && inCommands && phase && line.trim() === '- |') {
      const block: string[] = [];
      while (i + 1 < lines.length && (lines[i + 1].trim() === '' || indentOf(lines[i + 1]) >= 8)) block.push(lines[++i].slice(8));
      while (block.length && block[block.length - 1].trim() === '') block.pop();
      phase.commands.push(`${block.join('\n')}\n`);
    } else if (indent === 6 && inCommands && phase && line.trim().startsWith('- ') && !/^- [|>"']/.test(line.trim())) {
      phase.commands.push(line.trim().slice(2));
    } else {
      throw new Error(`buildspec line ${i + 1} is outside the subset this reader understands: ${line.trim()}`);
    }
  }
  return phases;
}
