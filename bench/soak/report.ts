/** How the soak prints memory: one line per interval, a start/end table at the end. */
import type { MemorySample } from './messages.js';

export function mib(bytes: number | undefined): string {
  return bytes === undefined ? '-' : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function clock(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export interface Counters {
  joins: number;
  leaves: number;
  joinErrors: number;
  otherErrors: number;
  /** Consumes or resumes that failed because the producer closed meanwhile (normal churn). */
  races: number;
  /** RTP packets received by all load-client receive connections (cumulative). */
  received: number;
}

export function intervalLine(elapsedMs: number, m: MemorySample, c: Counters): string {
  const workers = m.workers
    .map(
      (w) => mib(w.heapUsedBytes) + (w.rssBytes === undefined ? '' : ` (rss ${mib(w.rssBytes)})`),
    )
    .join(', ');
  return (
    `[${clock(elapsedMs)}] rooms ${m.rooms} peers ${m.participants} producers ${m.producers} ` +
    `consumers ${m.consumers} | joins ${c.joins} leaves ${c.leaves} errors ` +
    `${c.joinErrors + c.otherErrors} | rx ${c.received} pkt | server rss ${mib(m.rssBytes)} ` +
    `heap ${mib(m.heapUsedBytes)} ext ${mib(m.externalBytes)} | worker heaps ${workers}`
  );
}

/** Columns: labelled samples (e.g. idle start, first loaded, last loaded, idle end). */
export function summaryTable(columns: [string, MemorySample][]): string {
  const rows: [string, (m: MemorySample) => number | undefined][] = [
    ['server RSS', (m) => m.rssBytes],
    ['server heap (after GC)', (m) => m.heapUsedBytes],
    ['  of which code', (m) => m.codeBytes],
    ['server external', (m) => m.externalBytes],
  ];
  const workerCount = Math.max(...columns.map(([, m]) => m.workers.length));
  for (let i = 0; i < workerCount; i++) {
    rows.push([`worker ${i} heap (after GC)`, (m) => m.workers[i]?.heapUsedBytes]);
    rows.push(['  of which code', (m) => m.workers[i]?.codeBytes]);
    rows.push([`worker ${i} external`, (m) => m.workers[i]?.externalBytes]);
    if (columns.some(([, m]) => m.workers[i]?.rssBytes !== undefined)) {
      rows.push([`worker ${i} RSS`, (m) => m.workers[i]?.rssBytes]);
    }
  }
  rows.push(['participants', (m) => m.participants]);
  const width = 24;
  const lines = [''.padEnd(width) + columns.map(([label]) => label.padStart(16)).join('')];
  for (const [label, read] of rows) {
    const cells = columns.map(([, m]) => {
      const v = read(m);
      return (label === 'participants' ? String(v ?? '-') : mib(v)).padStart(16);
    });
    lines.push(label.padEnd(width) + cells.join(''));
  }
  return lines.join('\n');
}
