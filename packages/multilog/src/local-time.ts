// Local calendar time as tai64nlocal prints it: `YYYY-MM-DD HH:MM:SS` (the TZ environment applies).

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** `YYYY-MM-DD HH:MM:SS` in local time for unix seconds (check `isShowableSeconds` first). */
export function formatLocalSeconds(seconds: number): string {
  const d = new Date(seconds * 1000);
  const year = d.getFullYear();
  return (
    `${year < 0 ? '-' : ''}${pad(Math.abs(year), 4)}-${pad(d.getMonth() + 1, 2)}-${pad(d.getDate(), 2)} ` +
    `${pad(d.getHours(), 2)}:${pad(d.getMinutes(), 2)}:${pad(d.getSeconds(), 2)}`
  );
}

/** Whether `seconds` is within the range a JavaScript Date can show. */
export function isShowableSeconds(seconds: number): boolean {
  return Number.isFinite(seconds) && Math.abs(seconds) <= 8.64e12;
}
