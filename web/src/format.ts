// Dates in the region's time zone, sizes and plain numbers, for Russian readers. Pure: the same input
// gives the same text (Intl's Russian data is the browser's).

/** "15 января 2027 г." in the given IANA zone (the region's), whatever the browser's own zone. */
export function formatDate(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('ru-RU', { timeZone, day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(iso));
}

/** "15 января 2027 г., 23:59" in the given zone. */
export function formatDateTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('ru-RU', { timeZone, day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit' })
    .format(new Date(iso));
}

/** "10 МБ", "350 КБ". */
export function formatSize(bytes: number, units: { kb: string; mb: string }): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} ${units.mb}`.replace('.', ',');
  return `${Math.max(1, Math.round(bytes / 1024))} ${units.kb}`;
}

/** The offset of a zone from UTC at an instant, in minutes (Intl's zone data). */
function zoneOffsetMinutes(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' })
    .formatToParts(new Date(instant));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Math.round((Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second')) - instant) / 60_000);
}

/** The instant a month `YYYY-MM` (or, with `plus`, a month that many later) begins in the zone, as ISO in UTC. */
export function monthStartIn(month: string, timeZone: string, plus = 0): string {
  const wall = Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1 + plus, 1);
  // Twice: the offset at the wall time's own instant, which a change of offset that night may move.
  const first = wall - zoneOffsetMinutes(wall, timeZone) * 60_000;
  return new Date(wall - zoneOffsetMinutes(first, timeZone) * 60_000).toISOString();
}
