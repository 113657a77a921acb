// The app's frame: a skip link, the header with the organisation's name and the navigation, and the
// screen of the current route.
import { useEffect, useState } from 'preact/hooks';
import { signOut, signedIn, startSignIn } from './auth';
import { Button } from './components/ui';
import { mount } from './mount';
import { href, navRoutes, resolve, usePath } from './router';
import { T } from './text';

/** The organisation's name in the header, once a screen has learnt it (the form does). */
let setHeaderName: (name: string) => void = () => undefined;
export function showOrganisationName(name: string): void {
  setHeaderName(name);
}

export function App() {
  const path = usePath();
  const [orgName, setOrgName] = useState<string>('');
  const [, refresh] = useState(0);
  setHeaderName = setOrgName;
  const found = resolve(path);
  useEffect(() => {
    document.title = orgName ? `${T.appName} — ${orgName}` : T.appName;
  }, [orgName]);
  useEffect(() => {
    document.getElementById('main')?.focus({ preventScroll: mount.framed });
  }, [path]);
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>{T.skipToContent}</a>
      <header class="header">
        <div class="header__brand">
          <span class="header__app">{T.appName}</span>
          {orgName && <span class="header__org">{orgName}</span>}
        </div>
        <nav aria-label={T.nav.main} class="nav">
          {navRoutes().map((r) => (
            <a href={href(r.pattern)} aria-current={r.pattern === path ? 'page' : undefined}>{r.nav!.label}</a>
          ))}
          {signedIn()
            ? <Button kind="link" onClick={() => { signOut(); refresh((n) => n + 1); }}>{T.nav.signOut}</Button>
            : <Button kind="link" onClick={startSignIn}>{T.nav.signIn}</Button>}
        </nav>
      </header>
      <main id="main" tabIndex={-1} class="main">
        {found ? found.route.render(found.params) : <p>{T.notFound}</p>}
      </main>
    </>
  );
}
