// The form's draft, kept in sessionStorage (this tab) as the person types: it survives the trip to the
// identity provider and back, a reload and a lost connection. Its Idempotency-Key is made with the draft
// and reused for every try until the case is registered, so a repeated click or a retry after a lost
// answer never registers a second case; only success clears the draft and its key.
import { tabStorage } from '../storage';
import type { CaseKind } from './model';

export interface UploadedFile {
  id: string;
  fileName: string;
  contentType: string;
  size: number;
}

export interface Draft {
  idempotencyKey: string;
  kind: CaseKind;
  categoryId: string;
  subcategoryId: string;
  /** The place, asked for when the subcategory needs one (Subcategory.needsTerritory). */
  territoryId: string;
  text: string;
  address: string;
  location: { latitude: number; longitude: number } | null;
  name: string;
  email: string;
  postalAddress: string;
  files: UploadedFile[];
  /** 'embed' on a draft of the form in an organisation's frame, also once carried to the platform's page (draftRoute): its case came through the embedded form. */
  channel?: 'embed';
}

const keyOf = (organisationId: string) => `otklik.draft.${organisationId}`;

export function newDraft(): Draft {
  return {
    idempotencyKey: `web-${crypto.randomUUID()}`, kind: 'message', categoryId: '', subcategoryId: '', territoryId: '', text: '', address: '',
    location: null, name: '', email: '', postalAddress: '', files: [],
  };
}

export function loadDraft(organisationId: string): Draft {
  const raw = tabStorage.getItem(keyOf(organisationId));
  return raw ? { ...newDraft(), ...(JSON.parse(raw) as Partial<Draft>) } : newDraft();
}

export function saveDraft(organisationId: string, draft: Draft): void {
  tabStorage.setItem(keyOf(organisationId), JSON.stringify(draft));
}

/** The draft as a route of the platform's own page (/form/{id}?draft=…), for signing in in a new tab. Files need a
 * signed-in person, so a draft that travels has none. */
export function draftRoute(organisationId: string, draft: Draft): string {
  return `/form/${encodeURIComponent(organisationId)}?draft=${encodeURIComponent(JSON.stringify({ ...draft, files: [] }))}`;
}

/** A draft brought along in the route (see draftRoute): kept for this organisation, and taken out of the URL. */
export function adoptDraftFromRoute(organisationId: string): void {
  const query = location.hash.split('?')[1];
  const carried = query ? new URLSearchParams(query).get('draft') : null;
  if (!carried) return;
  try {
    saveDraft(organisationId, { ...newDraft(), ...(JSON.parse(carried) as Partial<Draft>), files: [] });
  } catch {
    // A draft that does not parse is left behind: the form starts empty.
  }
  history.replaceState(null, '', `${location.pathname}#${location.hash.slice(1).split('?')[0]}`);
}

export function clearDraft(organisationId: string): void {
  tabStorage.removeItem(keyOf(organisationId));
}
