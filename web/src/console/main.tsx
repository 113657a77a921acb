// The organisation console's entry (/console): its screens and its shell. Sign-in is the web app's
// (OpenID Connect, back through /app/signed-in to where the person was).
import { render } from 'preact';
import { mount } from '../mount';
import '../styles.css';
import { registerConsoleRoutes } from './routes';
import { Shell } from './Shell';

registerConsoleRoutes();
render(<Shell />, mount.root);
