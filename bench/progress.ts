/**
 * Progress of long steps on stderr (the results go to stdout): a bar redrawn in place on a
 * terminal, or a line at each tenth and at the end of each phase when stderr is a file or pipe.
 */
export interface Progress {
  phase: string;
  done: number;
  total: number;
  detail?: string;
}

const WIDTH = 30;

export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): (progress: Progress) => void {
  const started = performance.now();
  let lastTenth = -1;
  let lastPhase = '';
  return ({ phase, done, total, detail }) => {
    const share = total > 0 ? Math.min(1, done / total) : 1;
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const filled = Math.round(share * WIDTH);
    const line = `${label} ${phase.padEnd(9)} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${String(Math.floor(share * 100)).padStart(3)}% ${done}/${total} ${seconds}s${detail ? `  ${detail}` : ''}`;
    if (phase !== lastPhase) {
      lastTenth = -1;
      lastPhase = phase;
    }
    if (stream.isTTY) {
      stream.write(`\r${line.slice(0, (stream.columns ?? 120) - 1).padEnd((stream.columns ?? 120) - 1)}${done >= total ? '\n' : ''}`);
      return;
    }
    const tenth = Math.floor(share * 10);
    if (tenth !== lastTenth || done >= total) {
      lastTenth = tenth;
      stream.write(`${line}\n`);
    }
  };
}
