/**
 * @module ops/doctor/render-doctor
 *
 * Doctor's report as text (one line per check, a fix under each failure) or JSON.
 */
import type { CheckStatus, DoctorReport } from './doctor-types.js';

const TAG: Record<CheckStatus, string> = { ok: 'OK  ', warn: 'WARN', fail: 'FAIL', skip: 'SKIP' };

export function renderDoctorText(report: DoctorReport): string {
  const width = Math.max(...report.checks.map((c) => c.id.length), 6);
  const lines = [`omsm doctor (${report.role})`];
  for (const c of report.checks) {
    lines.push(`  ${TAG[c.status]}  ${c.id.padEnd(width)}  ${c.message}`);
    if (c.fix && (c.status === 'fail' || c.status === 'warn')) {
      lines.push(
        `        ${' '.repeat(width)}  fix: ${c.fix.replace(/\n/g, `\n        ${' '.repeat(width)}       `)}`,
      );
    }
  }
  const failed = report.checks.filter((c) => c.status === 'fail').length;
  lines.push(failed === 0 ? 'all checks passed' : `${failed} check${failed > 1 ? 's' : ''} failed`);
  return `${lines.join('\n')}\n`;
}

export function renderDoctorJson(report: DoctorReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
