// The console's frame: a skip link, the header with who is signed in and the screens of their role, the
// current screen (or "not for your role"), and the keyboard shortcuts' help on "?".
import { useEffect, useState } from 'preact/hooks';
import { signOut, startSignIn } from '../auth';
import { Button, Loading, Notice } from '../components/ui';
import { href, navigate, resolve, usePath } from '../router';
import { T } from '../text';
import { useShortcuts } from './keys';
import { SCREENS } from './routes';
import { KeySignIn } from './KeySignIn';
import { isStaff, loadMe, type Me } from './session';
import { ShortcutsHelp } from './ShortcutsHelp';

const C = T.console;

function SignIn({ me }: { me: Me | null }) {
  return (
    <section class="console-signin" aria-labelledby="signin-title">
      <h1 id="signin-title">{C.signInTitle}</h1>
      {me ? <Notice kind="error">{C.notStaff}</Notice> : <p>{C.signInText}</p>}
      <Button onClick={startSignIn}>{T.nav.signIn}</Button>
      <KeySignIn />
    </section>
  );
}

export function Shell() {
  const path = usePath();
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [help, setHelp] = useState(false);
  useEffect(() => { loadMe().then(setMe); }, []);
  useEffect(() => { document.title = C.title; }, []);
  useEffect(() => { document.getElementById('main')?.focus(); }, [path]);
  useShortcuts({ '?': () => setHelp((h) => !h), 'g q': () => navigate('/queue'), Escape: () => setHelp(false) }, []);
  if (me === undefined) return <Loading />;
  const staff = isStaff(me);
  const found = resolve(path);
  const screen = found && SCREENS.find((s) => s.render === found.route.render);
  const allowed = staff && (!screen || screen.roles.includes(me.role));
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>{T.skipToContent}</a>
      <header class="header console-header">
        <div class="header__brand">
          <span class="header__app">{C.title}</span>
          {staff && <span class="header__org" data-testid="who">{C.whoAmI(me.name, C.roles[me.role], me.organisationId ?? me.regionId)}</span>}
        </div>
        {staff && (
          <nav aria-label={T.nav.main} class="nav">
            {SCREENS.filter((s) => s.nav && s.roles.includes(me.role)).map((s) => (
              <a href={href(s.pattern)} aria-current={path === s.pattern || path.startsWith(`${s.pattern}/`) ? 'page' : undefined}>{s.nav}</a>
            ))}
            <Button kind="link" onClick={() => setHelp(true)}>{C.nav.shortcuts}</Button>
            <Button kind="link" onClick={() => { signOut(); location.reload(); }}>{T.nav.signOut}</Button>
          </nav>
        )}
      </header>
      <main id="main" tabIndex={-1} class="main console-main">
        {!staff ? <SignIn me={me} /> : !found ? <p>{T.notFound}</p> : allowed ? found.route.render(found.params) : <Notice kind="error">{C.forbidden}</Notice>}
      </main>
      {help && <ShortcutsHelp onClose={() => setHelp(false)} />}
    </>
  );
}
