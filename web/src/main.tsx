// The web app's entry: finishes a sign-in when sign-in came back here, registers the screens of each
// module, and renders. Another module (e.g. taking part in polls and votes) adds its screens with
// registerRoute in a routes file of its own, imported below.
import { render } from 'preact';
import { finishSignIn } from './auth';
import { App } from './App';
import { registerCaseRoutes } from './cases/routes';
import { registerFormRoutes } from './form/routes';
import { registerParticipationRoutes } from './participation/routes';
import { reportHeightToParent } from './frame';
import { mount } from './mount';
import { T } from './text';
import './styles.css';

if (location.pathname.startsWith('/app/signed-in')) {
  mount.root.textContent = T.signingIn;
  location.replace(finishSignIn());
} else {
  registerFormRoutes();
  registerCaseRoutes();
  registerParticipationRoutes();
  if (mount.framed) reportHeightToParent();
  render(<App />, mount.root);
}
