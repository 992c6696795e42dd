// Draws the Teams app icons with simple geometry and writes them as PNG files:
//   appPackage/color.png    192x192, full colour: a white admission ticket with a "+" on the brand teal
//   appPackage/outline.png  32x32, white on transparent: the same ticket as an outline, with the "+"
// Run: node --import tsx scripts/make-icons.ts [outDir]   (default outDir: appPackage)
// Edges are antialiased by supersampling each pixel (SS x SS samples).
import fs from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';

export const BRAND_RGB: readonly [number, number, number] = [0x0f, 0x6e, 0x6e]; // #0F6E6E, also the manifest accentColor
const WHITE: readonly [number, number, number] = [255, 255, 255];
const SS = 4;

/** A shape: true when the point (in pixel units, origin top left) is inside. */
type Shape = (x: number, y: number) => boolean;

function roundedRect(x0: number, y0: number, x1: number, y1: number, r: number): Shape {
  return (x, y) => {
    if (x < x0 || x > x1 || y < y0 || y > y1) return false;
    const cx = Math.min(Math.max(x, x0 + r), x1 - r);
    const cy = Math.min(Math.max(y, y0 + r), y1 - r);
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
  };
}

function circle(cx: number, cy: number, r: number): Shape {
  return (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

function rect(x0: number, y0: number, x1: number, y1: number): Shape {
  return (x, y) => x >= x0 && x <= x1 && y >= y0 && y <= y1;
}

const union =
  (...shapes: Shape[]): Shape =>
  (x, y) =>
    shapes.some((s) => s(x, y));
const minus =
  (a: Shape, b: Shape): Shape =>
  (x, y) =>
    a(x, y) && !b(x, y);

/** A ticket: a rounded rectangle with a semicircular notch in the middle of its left and right edges. */
function ticket(x0: number, y0: number, x1: number, y1: number, radius: number, notch: number): Shape {
  const cy = (y0 + y1) / 2;
  return minus(roundedRect(x0, y0, x1, y1, radius), union(circle(x0, cy, notch), circle(x1, cy, notch)));
}

/** The same ticket, drawn as a stroke of the given width (inner edge follows the outer one). */
function ticketOutline(x0: number, y0: number, x1: number, y1: number, radius: number, notch: number, stroke: number): Shape {
  const outer = ticket(x0, y0, x1, y1, radius, notch);
  const inner = ticket(x0 + stroke, y0 + stroke, x1 - stroke, y1 - stroke, Math.max(radius - stroke, 0), notch + stroke);
  const cy = (y0 + y1) / 2;
  // The inner ticket's notches are centred on the inner edge; re-centre them on the outer edge so the stroke
  // around each notch keeps the same width as everywhere else.
  const innerWithNotches = minus(inner, union(circle(x0, cy, notch + stroke), circle(x1, cy, notch + stroke)));
  return minus(outer, innerWithNotches);
}

function plus(cx: number, cy: number, half: number, thickness: number): Shape {
  const t = thickness / 2;
  return union(rect(cx - half, cy - t, cx + half, cy + t), rect(cx - t, cy - half, cx + t, cy + half));
}

/** Fraction (0..1) of the pixel (px, py) covered by the shape. */
function coverage(shape: Shape, px: number, py: number): number {
  let hits = 0;
  for (let i = 0; i < SS; i++) {
    for (let j = 0; j < SS; j++) {
      if (shape(px + (i + 0.5) / SS, py + (j + 0.5) / SS)) hits++;
    }
  }
  return hits / (SS * SS);
}

interface Layer {
  shape: Shape;
  rgb: readonly [number, number, number];
}

/** Paints layers in order over a background (or transparency when background is null). */
function paint(size: number, background: readonly [number, number, number] | null, layers: Layer[]): PNG {
  const png = new PNG({ width: size, height: size });
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let [r, g, b] = background ?? WHITE;
      let a = background ? 1 : 0;
      for (const layer of layers) {
        const c = coverage(layer.shape, x, y);
        if (c === 0) continue;
        // "over" compositing, straight alpha
        const outA = c + a * (1 - c);
        r = (layer.rgb[0] * c + r * a * (1 - c)) / outA;
        g = (layer.rgb[1] * c + g * a * (1 - c)) / outA;
        b = (layer.rgb[2] * c + b * a * (1 - c)) / outA;
        a = outA;
      }
      const i = (y * size + x) * 4;
      png.data[i] = Math.round(r);
      png.data[i + 1] = Math.round(g);
      png.data[i + 2] = Math.round(b);
      png.data[i + 3] = Math.round(a * 255);
    }
  }
  return png;
}

/** 192x192 full-colour icon: white ticket with a teal "+" on a teal square. */
export function drawColorIcon(): PNG {
  const size = 192;
  const body = ticket(26, 50, 166, 142, 14, 16);
  // a dashed perforation line near the right stub, in the brand colour
  const dashes = union(...[60, 76, 92, 108, 124].map((y) => rect(131, y, 135, y + 9)));
  return paint(size, BRAND_RGB, [
    { shape: body, rgb: WHITE },
    { shape: dashes, rgb: BRAND_RGB },
    { shape: plus(84, 96, 26, 14), rgb: BRAND_RGB },
  ]);
}

/** 32x32 outline icon: white ticket outline with a white "+", on transparency. */
export function drawOutlineIcon(): PNG {
  const size = 32;
  return paint(size, null, [
    { shape: ticketOutline(2, 6, 30, 26, 3, 3, 2), rgb: WHITE },
    { shape: plus(16, 16, 5, 2.5), rgb: WHITE },
  ]);
}

export function writeIcons(outDir: string): { color: string; outline: string } {
  fs.mkdirSync(outDir, { recursive: true });
  const color = path.join(outDir, 'color.png');
  const outline = path.join(outDir, 'outline.png');
  fs.writeFileSync(color, PNG.sync.write(drawColorIcon()));
  fs.writeFileSync(outline, PNG.sync.write(drawOutlineIcon()));
  return { color, outline };
}

if (require.main === module) {
  const outDir = path.resolve(process.argv[2] ?? path.join(__dirname, '..', 'appPackage'));
  const written = writeIcons(outDir);
  console.log(`wrote ${path.relative(process.cwd(), written.color)} (192x192) and ${path.relative(process.cwd(), written.outline)} (32x32)`);
}
