/**
 * Generates the demo shop's product video (public/product-video.webm) locally: Chromium
 * draws frames on a canvas and encodes them with WebCodecs (VP8); webm.ts packs them.
 * Run: npx tsx collector/demo/video/make-video.ts
 */
import { writeFileSync } from 'node:fs';
import { launchChromium } from '../../../tests/e2e/harness.js';
import { type EncodedFrame, muxWebm } from './webm.js';

const WIDTH = 480;
const HEIGHT = 270;
const FPS = 12;
const SECONDS = 4;

const browser = await launchChromium();
const page = await browser.newPage();
// WebCodecs needs a secure context: serve an empty page as http://localhost (no server needed).
await page.route('http://localhost/', (route) =>
  route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>video</title>' }),
);
// tsx keeps function names with an injected `__name` helper the page does not have.
await page.addInitScript('window.__name = (f) => f');
await page.goto('http://localhost/');
const frames = await page.evaluate(
  async ({ width, height, fps, seconds }) => {
    const canvas = new OffscreenCanvas(width, height);
    const g = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
    const chunks: { timestamp: number; key: boolean; data: number[] }[] = [];
    const encoder = new VideoEncoder({
      output: (chunk) => {
        const data = new Uint8Array(chunk.byteLength);
        chunk.copyTo(data);
        chunks.push({ timestamp: chunk.timestamp, key: chunk.type === 'key', data: [...data] });
      },
      error: (e) => {
        throw e;
      },
    });
    encoder.configure({ codec: 'vp8', width, height, bitrate: 80_000, framerate: fps });
    const total = fps * seconds;
    for (let i = 0; i < total; i++) {
      const t = i / total;
      const bg = g.createLinearGradient(0, 0, width, height);
      bg.addColorStop(0, '#3b2314');
      bg.addColorStop(1, '#8a5a3b');
      g.fillStyle = bg;
      g.fillRect(0, 0, width, height);
      // A turning burr: the grinder at work.
      g.save();
      g.translate(width * 0.3, height * 0.5);
      g.rotate(t * Math.PI * 4);
      g.fillStyle = '#d9d9d9';
      for (let k = 0; k < 12; k++) {
        g.rotate((Math.PI * 2) / 12);
        g.fillRect(-6, -70, 12, 30);
      }
      g.beginPath();
      g.arc(0, 0, 40, 0, Math.PI * 2);
      g.fill();
      g.restore();
      g.fillStyle = '#fff';
      g.font = 'bold 26px sans-serif';
      g.fillText('Hand grinder', width * 0.55, height * 0.42);
      g.font = '18px sans-serif';
      g.fillText('Steel burrs · 40 settings', width * 0.55, height * 0.55);
      g.fillStyle = '#f5c16c';
      g.fillRect(0, height - 8, width * ((i + 1) / total), 8);
      const frame = new VideoFrame(canvas, { timestamp: Math.round((i * 1_000_000) / fps) });
      encoder.encode(frame, { keyFrame: i % fps === 0 });
      frame.close();
    }
    await encoder.flush();
    return chunks;
  },
  { width: WIDTH, height: HEIGHT, fps: FPS, seconds: SECONDS },
);
await browser.close();

const encoded: EncodedFrame[] = frames.map((f) => ({ ...f, data: Uint8Array.from(f.data) }));
const webm = muxWebm({ width: WIDTH, height: HEIGHT, durationMs: SECONDS * 1000, frames: encoded });
const out = new URL('../public/product-video.webm', import.meta.url);
writeFileSync(out, webm);
process.stdout.write(`wrote ${out.pathname} (${webm.length} bytes, ${encoded.length} frames)\n`);
