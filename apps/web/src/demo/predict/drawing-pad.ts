import { SIDE } from './mnist-style.js';

/*
 * The canvas to draw on: pointer events (mouse, touch and pen alike), white
 * strokes on black as in MNIST, as wide as a pen stroke in the 28x28 digits.
 */

export class DrawingPad {
  private last: { x: number; y: number } | null = null;
  /** A test image is shown: the next stroke starts on a clean pad. */
  private showing = false;
  private readonly ctx: CanvasRenderingContext2D;

  constructor(readonly canvas: HTMLCanvasElement, private readonly onChange: (final: boolean) => void) {
    this.ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    this.clear();
    canvas.addEventListener('pointerdown', (e) => {
      canvas.setPointerCapture(e.pointerId);
      if (this.showing) this.clear();
      this.last = this.point(e);
      this.stroke(this.last, this.last);
    });
    canvas.addEventListener('pointermove', (e) => {
      if (!this.last) return;
      const p = this.point(e);
      this.stroke(this.last, p);
      this.last = p;
      this.onChange(false);
    });
    const end = () => {
      if (!this.last) return;
      this.last = null;
      this.onChange(true);
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
  }

  private point(e: PointerEvent): { x: number; y: number } {
    const r = this.canvas.getBoundingClientRect();
    return { x: ((e.clientX - r.left) / r.width) * this.canvas.width, y: ((e.clientY - r.top) / r.height) * this.canvas.height };
  }

  private stroke(a: { x: number; y: number }, b: { x: number; y: number }): void {
    const c = this.ctx;
    c.strokeStyle = '#fff';
    c.lineWidth = (this.canvas.width / SIDE) * 2;
    c.lineCap = 'round';
    c.lineJoin = 'round';
    c.beginPath();
    c.moveTo(a.x, a.y);
    c.lineTo(b.x, b.y);
    c.stroke();
  }

  clear(): void {
    this.showing = false;
    this.ctx.fillStyle = '#000';
    this.ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
  }

  /** Shows a 28x28 image (grey levels in [0, 1]) enlarged, as if drawn. */
  show(image: Float32Array): void {
    paintImage(this.canvas, image);
    this.showing = true;
  }
}

/** Paints a 28x28 image (grey levels in [0, 1]) over the whole canvas. */
export function paintImage(canvas: HTMLCanvasElement, image: Float32Array): void {
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  const cell = canvas.width / SIDE;
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const g = Math.round(image[y * SIDE + x] * 255);
      ctx.fillStyle = `rgb(${g},${g},${g})`;
      ctx.fillRect(x * cell, y * cell, cell, cell);
    }
  }
}
