/**
 * The hosted viewer page: the pinned web viewer, pointed at the proxy on its own origin. An `EventSource` on
 * `/events` tells it when the server (re)started; the viewer never reconnects on its own, so the page
 * restarts the viewer on the proxy URL then.
 */
export function viewerPageHtml(title = 'camstream'): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title.replace(/[<>&"]/g, '')}</title>
<style>html,body{margin:0;height:100%;background:#0d1011;overflow:hidden}#app{position:absolute;inset:0}
#status{position:absolute;right:8px;bottom:8px;font:12px sans-serif;color:#aaa;z-index:10}</style>
</head>
<body>
<div id="app"></div>
<div id="status"></div>
<script type="module">
import { WebViewer } from '/viewer/index.js';
const scheme = location.protocol === 'https:' ? 'rerun+https' : 'rerun+http';
const url = scheme + '://' + location.host + '/proxy';
const status = document.getElementById('status');
const viewer = new WebViewer();
const state = { viewer, url, ready: false, opens: 1, recordings: [] };
window.camstream = state;
viewer.on('recording_open', (e) => state.recordings.push(e.recording_id ?? e));
const options = { hide_welcome_screen: true, width: '100%', height: '100%' };
await viewer.start(url, document.getElementById('app'), options);
state.ready = true;
if (!window.isSecureContext) status.textContent = 'Video needs a secure context (https or localhost).';
let server;
const events = new EventSource('/events');
events.addEventListener('hello', (e) => {
  if (server !== undefined && server !== e.data) {
    // A new server (or a new stream): the old gRPC-web stream has ended; open the new one.
    // close(url) + open(url) of the same proxy URL does not reconnect in 0.33; restarting the viewer does.
    viewer.stop();
    viewer.start(url, document.getElementById('app'), options).then(() => { state.opens++; });
  }
  server = e.data;
  status.textContent = '';
});
events.onerror = () => { status.textContent = 'stream ended; reconnecting…'; };
</script>
</body>
</html>
`;
}
