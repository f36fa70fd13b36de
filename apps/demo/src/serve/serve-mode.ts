import type { WebViewer } from '@rerun-io/web-viewer';
import { type ErrorBanner, keepFocus, type PageElements } from '../ui/page.js';
import { parseServerAddress, probeServer, type ServerAddress } from './server-address.js';
import { wakeViewer } from './wake-viewer.js';

/**
 * The "Open a stream" mode: the embedded viewer follows a live `camstream capture --serve` server through its
 * gRPC-web proxy. Only loopback servers without a token can be opened from this page (the token is an
 * HttpOnly cookie of the server's own origin); for the others the page links to the server's hosted viewer.
 */
export class ServeMode {
  readonly #ui: PageElements;
  readonly #errors: ErrorBanner;
  readonly #viewer: WebViewer;
  #ready = false;
  #busy = false;
  #open: ServerAddress | undefined;
  /** Told when a stream opens or closes (the page locks the mode switch while one is open). */
  onChange: () => void = () => undefined;

  constructor(ui: PageElements, errors: ErrorBanner, viewer: WebViewer) {
    this.#ui = ui;
    this.#errors = errors;
    this.#viewer = viewer;
    ui.serveForm.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.open(ui.serveUrl.value);
    });
    ui.serveClose.addEventListener('click', () => this.close());
    // Prefill from `?server=` so a link can open the demo on a stream.
    const fromQuery = new URLSearchParams(location.search).get('server');
    if (fromQuery !== null) ui.serveUrl.value = fromQuery;
  }

  /** The viewer is up. */
  ready(): void {
    this.#ready = true;
    this.updateControls();
  }

  /** The proxy URL the viewer follows, if any. */
  get openUrl(): string | null {
    return this.#open?.proxyUrl ?? null;
  }

  updateControls(): void {
    const ui = this.#ui;
    ui.serveOpen.disabled = !this.#ready || this.#busy || this.#open !== undefined;
    ui.serveClose.disabled = this.#open === undefined;
    ui.serveUrl.disabled = this.#busy || this.#open !== undefined;
  }

  async open(input: string): Promise<void> {
    if (!this.#ready || this.#busy || this.#open !== undefined) return;
    this.#busy = true;
    this.updateControls();
    this.#errors.clear();
    this.#link(undefined);
    try {
      const address = parseServerAddress(input);
      if (address.hasToken || !address.loopback) {
        this.#link(address, 'This server needs an access token; open its own page to view it:');
        this.#status('Not opened here: the server is token-protected.');
        return;
      }
      this.#status(`Connecting to ${address.origin}…`);
      const probe = await probeServer(address);
      if (probe === 'token-required') {
        this.#link(
          address,
          'This server needs an access token; open its own page (with ?token=…) to view it:',
        );
        this.#status('Not opened here: the server is token-protected.');
        return;
      }
      if (probe === 'unreachable') {
        this.#link(address, 'Its own page:');
        throw new Error(
          `Cannot reach a camstream server at ${address.origin}: is \`camstream capture --serve\` running there?`,
        );
      }
      this.#viewer.open(address.proxyUrl);
      wakeViewer(this.#ui.viewer);
      this.#open = address;
      this.#status(`Following ${address.proxyUrl}`);
      this.#link(address, 'The same stream on the server’s own page:');
      this.onChange();
    } catch (error) {
      this.#errors.show(error);
      if (this.#open === undefined) this.#status('Not connected');
    } finally {
      this.#busy = false;
      this.updateControls();
      keepFocus(this.#ui.serveOpen, this.#ui.serveClose);
    }
  }

  close(): void {
    const address = this.#open;
    if (address === undefined) return;
    this.#viewer.close(address.proxyUrl);
    this.#open = undefined;
    this.#status(`Closed ${address.proxyUrl}`);
    this.updateControls();
    this.onChange();
    keepFocus(this.#ui.serveClose, this.#ui.serveOpen);
  }

  /** Shows (or hides) a sentence and a link to the server's hosted viewer page. */
  #link(address: ServerAddress | undefined, text = ''): void {
    const el = this.#ui.serveLink;
    if (address === undefined) {
      el.replaceChildren();
      el.hidden = true;
      return;
    }
    const a = document.createElement('a');
    a.href = address.pageUrl;
    a.target = '_blank';
    a.rel = 'noopener';
    a.textContent = address.hasToken ? `${address.origin}/?token=…` : address.pageUrl;
    el.replaceChildren(`${text} `, a);
    el.hidden = false;
  }

  #status(text: string): void {
    this.#ui.status.textContent = text;
    this.#ui.status.title = text;
  }
}
