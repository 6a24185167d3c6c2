// Where the service says an experiment is wrong: `experiment.yaml:LINE:COL: message`.

export interface Problem {
  line: number; // 1-based; 0 when the message names no line
  col: number;
  message: string;
}

/** Splits the service's 400 text into problems, each at its line:col when it has one. */
export function parseProblems(text: string): Problem[] {
  const out: Problem[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const m = /experiment\.yaml:(\d+):(\d+):?\s*(.*)$/.exec(line);
    if (m) out.push({ line: Number(m[1]), col: Number(m[2]), message: m[3] || line });
    else out.push({ line: 0, col: 0, message: line });
  }
  return out;
}

/** The last `count` lines of a log. */
export function tail(text: string, count: number): string {
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines.slice(-count).join('\n');
}
