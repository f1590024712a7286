/**
 * The document kinds as the commands' help lists them, from the registry
 * (src/kinds.ts): a kind added there shows up in `fmt`, `validate` and
 * `convert --help` without an edit here.
 */
import { KINDS, KIND_NAMES } from '../kinds.js';

/** `domain, domstatus, …, nodedev (<device>), …`: each document kind, with its root element when that is not its name. */
export function documentKinds(): string {
  return KIND_NAMES.filter((k) => !KINDS[k].device)
    .map((k) => (KINDS[k].root === k ? k : `${k} (<${KINDS[k].root}>)`))
    .join(', ');
}

/** `text` wrapped at `width` columns, each line after the first indented by `indent`. */
export function wrap(text: string, width = 96, indent = ''): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent + word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}
