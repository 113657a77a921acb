// Sign-in with an API key (otk_…) for staff without an identity-provider login, e.g. the demo users that
// `npm start` prints. The key is checked with GET /me and kept for this tab only, as a session token.
import { useState } from 'preact/hooks';
import { keepSessionToken } from '../auth';
import { Button, Notice } from '../components/ui';
import { T } from '../text';
import { Input } from './components';

/** As long as an OpenID Connect session (12 hours); the key itself lives on. */
const KEY_SESSION_SECONDS = 12 * 3600;

export function KeySignIn() {
  const [key, setKey] = useState('');
  const [refused, setRefused] = useState(false);
  const submit = async () => {
    const token = key.trim();
    const me = await fetch('/me', { headers: { Authorization: `Bearer ${token}` } }).catch(() => undefined);
    if (!me?.ok) { setRefused(true); return; }
    keepSessionToken(token, KEY_SESSION_SECONDS);
    location.reload();
  };
  const C = T.console;
  return (
    <form class="card" aria-labelledby="key-title" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <h2 id="key-title">{C.keyTitle}</h2>
      <p class="hint">{C.keyHint}</p>
      <Input id="api-key" label={C.keyLabel} value={key} onInput={setKey} required />
      <Button type="submit" kind="secondary">{C.keySubmit}</Button>
      {refused && <Notice kind="error">{C.keyRefused}</Notice>}
    </form>
  );
}
