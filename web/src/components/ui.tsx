// Small shared pieces: buttons, notices, status badges and dates in the region's time zone.
import type { ComponentChildren } from 'preact';
import { formatDate, formatDateTime } from '../format';
import { T } from '../text';

export function Button(p: {
  children: ComponentChildren; onClick?: () => void; type?: 'button' | 'submit'; kind?: 'primary' | 'secondary' | 'link';
  disabled?: boolean; busy?: boolean; label?: string;
}) {
  return (
    <button
      type={p.type ?? 'button'} class={`button button--${p.kind ?? 'primary'}`} onClick={p.onClick}
      disabled={p.disabled || p.busy} aria-busy={p.busy || undefined} aria-label={p.label}
    >
      {p.children}
    </button>
  );
}

/** A message for everyone (status) or one that needs attention now (alert: errors). */
export function Notice(p: { kind: 'info' | 'error' | 'success'; children: ComponentChildren; id?: string }) {
  return (
    <div id={p.id} class={`notice notice--${p.kind}`} role={p.kind === 'error' ? 'alert' : 'status'}>
      {p.children}
    </div>
  );
}

export type BadgeTone = 'neutral' | 'info' | 'success' | 'warning' | 'danger';

export function Badge(p: { tone: BadgeTone; children: ComponentChildren }) {
  return <span class={`badge badge--${p.tone}`}>{p.children}</span>;
}

/** A date of the region: the zone is the region's, not the reader's browser's. */
export function DateText(p: { iso: string; timeZone: string; withTime?: boolean }) {
  return <time dateTime={p.iso}>{p.withTime ? formatDateTime(p.iso, p.timeZone) : formatDate(p.iso, p.timeZone)}</time>;
}

export function Loading() {
  return <p class="loading" role="status">{T.loading}</p>;
}
