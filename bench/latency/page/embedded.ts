// A page of its own that embeds the viewer on a camstream server's proxy (`?url=rerun+http://HOST:PORT/proxy`),
// set up as e2e/harness/viewer-page.html sets it up: side panels hidden, top bar collapsed.
import { WebViewer } from '@rerun-io/web-viewer';

const url = new URLSearchParams(location.search).get('url');
if (url === null) throw new Error('embedded.html needs ?url=rerun+http://…/proxy');
const viewer = new WebViewer();
await viewer.start(url, document.getElementById('viewer'), {
  hide_welcome_screen: true,
  width: '100%',
  height: '100%',
});
for (const panel of ['blueprint', 'selection', 'time'] as const) viewer.override_panel_state(panel, 'hidden');
viewer.override_panel_state('top', 'collapsed');
(window as unknown as { embeddedReady: boolean }).embeddedReady = true;
