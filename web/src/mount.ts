// Where the app runs, as the server's page says (api/web/page.ts): a page of its own (/app), or the
// organisation's embeddable form (/embed/{organisationId}), usually inside a frame on the organisation's site.
const root = document.getElementById('app')!;

export const mount = {
  root,
  mode: (root.dataset.mode === 'embed' ? 'embed' : 'page') as 'embed' | 'page',
  organisationId: root.dataset.organisation,
  framed: window.parent !== window,
};
