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
