// Inside an organisation's frame: tells the embedding page (web/embed/embed.ts) the content's height,
// so that the frame grows and shrinks with the form instead of scrolling inside a fixed box, and asks it
// to bring the frame's top into view when the screen changes. Only sizes travel: nothing of the form.
export function reportHeightToParent(): void {
  let last = 0;
  const send = () => {
    const height = Math.ceil(document.documentElement.scrollHeight);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ type: 'otklik:height', height }, '*');
  };
  new ResizeObserver(send).observe(document.body);
  addEventListener('hashchange', () => window.parent.postMessage({ type: 'otklik:top' }, '*'));
  send();
}
