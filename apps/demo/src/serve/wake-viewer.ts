/**
 * Makes the embedded viewer draw a frame. The viewer acts on `open(url)` in its next frame, and it draws frames
 * only when something asks for one (input, incoming data, an animation): right after `open` nothing does, so on
 * a slow machine, where the frames of the last input are over by then, the stream was never opened until the
 * user moved the mouse. A pointer move over its canvas is such a request; it changes nothing else.
 */
export function wakeViewer(container: HTMLElement): void {
  const canvas = container.querySelector('canvas');
  if (canvas === null) return;
  const box = canvas.getBoundingClientRect();
  const at = { bubbles: true, clientX: box.x + box.width / 2, clientY: box.y + box.height / 2 };
  canvas.dispatchEvent(new PointerEvent('pointermove', at));
  canvas.dispatchEvent(new MouseEvent('mousemove', at));
}
