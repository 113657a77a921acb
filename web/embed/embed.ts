// The embed snippet's script (/embed.js), run on an organisation's own site:
//
//   <div id="otklik-form"></div>
//   <script src="https://otklik.example.org/embed.js" data-organisation="altai.minzdrav" async></script>
//
// It asks the platform whether this site is on the organisation's list; if so it opens the form in a frame
// whose height follows the form's content, otherwise it writes a plain refusal into the container instead
// of leaving a frame the browser would refuse to show. Nothing else of the page is read or changed.
import { T } from '../src/text';

type Message = { type?: unknown; height?: unknown };

function say(container: HTMLElement, text: string): void {
  const p = document.createElement('p');
  p.setAttribute('role', 'status');
  p.textContent = text;
  p.style.cssText = 'border:1px solid #8a5300;background:#fff8e6;color:#1f1f1f;padding:12px 16px;border-radius:6px;font:16px/1.5 system-ui,sans-serif;';
  container.replaceChildren(p);
}

function openFrame(container: HTMLElement, base: string, organisationId: string, organisationName: string): void {
  const frame = document.createElement('iframe');
  frame.src = `${base}/embed/${encodeURIComponent(organisationId)}`;
  frame.title = T.embed.frameTitle(organisationName);
  frame.style.cssText = 'width:100%;min-height:480px;border:0;display:block;';
  frame.setAttribute('loading', 'lazy');
  addEventListener('message', (e: MessageEvent<Message>) => {
    if (e.source !== frame.contentWindow || e.origin !== base || !e.data) return;
    if (e.data.type === 'otklik:height' && typeof e.data.height === 'number' && e.data.height > 0) {
      frame.style.height = `${Math.min(Math.ceil(e.data.height), 20000)}px`;
      frame.style.minHeight = '0';
    } else if (e.data.type === 'otklik:top' && frame.getBoundingClientRect().top < 0) {
      frame.scrollIntoView({ block: 'start' });
    }
  });
  container.replaceChildren(frame);
}

async function start(script: HTMLScriptElement): Promise<void> {
  const base = new URL(script.src).origin;
  const organisationId = script.dataset.organisation ?? '';
  const container = document.getElementById(script.dataset.container || 'otklik-form');
  if (!container) return;
  try {
    const r = await fetch(`${base}/embed/${encodeURIComponent(organisationId)}/check?origin=${encodeURIComponent(location.origin)}`);
    if (r.status === 404 || r.status === 400) return say(container, T.embed.notFound);
    if (!r.ok) return say(container, T.embed.failed);
    const check = (await r.json()) as { allowed: boolean; organisationName: string };
    if (check.allowed) openFrame(container, base, organisationId, check.organisationName);
    else say(container, T.embed.refused(check.organisationName));
  } catch {
    say(container, T.embed.failed);
  }
}

const me = document.currentScript as HTMLScriptElement | null;
if (me) {
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => void start(me));
  else void start(me);
}
