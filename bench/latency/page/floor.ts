// The latency floor's page: a canvas of the video's size that shows the test pattern with the wall-clock time
// stamped on it, redrawn on every animation frame. What the screen reader measures here is only the browser's
// own way from a drawn frame to a screencast frame: no encoder, no network, no viewer.
import { paintStampedPattern } from './stamped-pattern.js';

const params = new URLSearchParams(location.search);
const width = Number(params.get('width') ?? 640);
const height = Number(params.get('height') ?? 480);
const canvas = document.getElementById('screen') as HTMLCanvasElement;
canvas.width = width;
canvas.height = height;
const context = canvas.getContext('2d', { alpha: false });
if (context === null) throw new Error('no 2D context');
const ctx = context;
let index = 0;
const draw = (): void => {
  paintStampedPattern(ctx, width, height, index++, Date.now());
  requestAnimationFrame(draw);
};
requestAnimationFrame(draw);
(window as unknown as { floorReady: boolean }).floorReady = true;
