/**
 * A synthetic construction-site photo: sky and ground, a concrete frame with scaffolding, a worker in a
 * yellow hard hat and hi-vis vest, and an orange traffic cone. It is a plausible camera JPEG (noise,
 * slight blur, EXIF camera and DateTimeOriginal), not a realistic scene: enough to exercise the photo
 * quality gate, metadata and the site-check plumbing.
 */
import sharp from 'sharp';
import type { SitePhotoTruth } from './manifest.js';
import { addNoise, createRandom } from './render.js';

export const SITE_PHOTO_TAKEN = '2024:03:14 09:12:30';
export const SITE_PHOTO_CAMERA = { make: 'Docintel', model: 'Synthetic SiteCam 2' };
const WIDTH = 1024;
const HEIGHT = 768;

export const SITE_PHOTO_TRUTH: SitePhotoTruth = {
  captured_at: SITE_PHOTO_TAKEN.replace(/^(\d{4}):(\d{2}):(\d{2}) /, '$1-$2-$3T'),
  camera: SITE_PHOTO_CAMERA,
  objects: ['scaffold', 'concrete_frame', 'worker', 'hard_hat', 'hi_vis_vest', 'traffic_cone'],
  notes: [
    'One worker standing on the ground in front of the scaffold, wearing a yellow hard hat and an orange hi-vis vest.',
    'Scaffold of three lifts with planks; top lift has a single guardrail, no toe boards visible.',
    'One orange traffic cone with white reflective bands near the worker.',
    'Drawn synthetically: no real site, no real person.',
  ],
};

function sceneSvg(): string {
  const random = createRandom(1926);
  const parts: string[] = [];
  // Gravel speckles on the ground, seeded so the picture is identical on every run.
  for (let i = 0; i < 400; i++) {
    const x = Math.round(random() * WIDTH);
    const y = 520 + Math.round(random() * 248);
    const r = 1 + Math.round(random() * 3);
    const shade = 90 + Math.round(random() * 70);
    parts.push(`<circle cx="${x}" cy="${y}" r="${r}" fill="rgb(${shade},${shade - 12},${shade - 30})"/>`);
  }
  const gravel = parts.join('');

  // Concrete frame behind the scaffold: columns and slabs.
  const frame: string[] = [];
  for (const x of [420, 560, 700, 840]) frame.push(`<rect x="${x}" y="170" width="26" height="360" fill="#9a9a96"/>`);
  for (const y of [170, 290, 410]) frame.push(`<rect x="400" y="${y}" width="480" height="22" fill="#a7a7a2"/>`);
  frame.push(`<rect x="446" y="312" width="114" height="98" fill="#5f6468" opacity="0.55"/>`);
  frame.push(`<rect x="586" y="192" width="114" height="98" fill="#5f6468" opacity="0.5"/>`);

  // Scaffold: standards, ledgers, braces and planks in front of the frame.
  const scaffold: string[] = [];
  const standards = [380, 500, 620, 740];
  for (const x of standards) scaffold.push(`<rect x="${x}" y="150" width="8" height="390" fill="#b8bcc0" stroke="#6d7175" stroke-width="1"/>`);
  for (const y of [230, 350, 470]) {
    scaffold.push(`<rect x="370" y="${y}" width="386" height="7" fill="#c2c5c8" stroke="#6d7175" stroke-width="1"/>`);
    scaffold.push(`<rect x="376" y="${y - 12}" width="372" height="12" fill="#b5803e" stroke="#7a5426" stroke-width="1"/>`);
  }
  scaffold.push(`<rect x="370" y="180" width="386" height="6" fill="#c2c5c8" stroke="#6d7175" stroke-width="1"/>`);
  for (const [x1, y1, x2, y2] of [
    [384, 470, 504, 350],
    [504, 350, 624, 230],
    [624, 470, 744, 350],
  ]) {
    scaffold.push(`<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="#a9adb1" stroke-width="6"/>`);
  }

  // Worker: silhouette with an orange vest (reflective stripes) and a yellow hard hat.
  const worker = [
    `<rect x="238" y="600" width="22" height="110" rx="6" fill="#2f3a4a"/>`,
    `<rect x="268" y="600" width="22" height="110" rx="6" fill="#2f3a4a"/>`,
    `<rect x="232" y="702" width="32" height="14" rx="4" fill="#3b2a1c"/>`,
    `<rect x="264" y="702" width="32" height="14" rx="4" fill="#3b2a1c"/>`,
    `<rect x="228" y="480" width="72" height="130" rx="16" fill="#3a4452"/>`,
    `<rect x="232" y="486" width="64" height="100" rx="12" fill="#ff7a1a"/>`,
    `<rect x="232" y="530" width="64" height="8" fill="#e8e8e0"/>`,
    `<rect x="232" y="560" width="64" height="8" fill="#e8e8e0"/>`,
    `<rect x="206" y="492" width="22" height="96" rx="10" fill="#3a4452" transform="rotate(8 217 492)"/>`,
    `<rect x="300" y="492" width="22" height="96" rx="10" fill="#3a4452" transform="rotate(-8 311 492)"/>`,
    `<rect x="254" y="462" width="20" height="22" fill="#c99a78"/>`,
    `<ellipse cx="264" cy="440" rx="25" ry="29" fill="#d2a582"/>`,
    `<path d="M236 432 Q238 398 264 396 Q290 398 292 432 Z" fill="#ffd21a" stroke="#c9a000" stroke-width="2"/>`,
    `<rect x="230" y="428" width="68" height="8" rx="3" fill="#f2c200"/>`,
  ].join('');

  // Traffic cone with two reflective bands on a square base.
  const cone = [
    `<rect x="118" y="690" width="92" height="14" rx="3" fill="#e0520f"/>`,
    `<path d="M150 590 L178 590 L196 692 L132 692 Z" fill="#ff6a13"/>`,
    `<path d="M146 612 L182 612 L186 632 L142 632 Z" fill="#f4f4f0"/>`,
    `<path d="M139 652 L189 652 L192 668 L136 668 Z" fill="#f4f4f0"/>`,
  ].join('');

  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}">` +
    `<defs>` +
    `<linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#5d8fc9"/><stop offset="1" stop-color="#cfe0ee"/></linearGradient>` +
    `<linearGradient id="ground" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#9c8463"/><stop offset="1" stop-color="#6e5a40"/></linearGradient>` +
    `<filter id="haze"><feGaussianBlur stdDeviation="2.5"/></filter>` +
    `</defs>` +
    `<rect width="${WIDTH}" height="540" fill="url(#sky)"/>` +
    `<g filter="url(#haze)" opacity="0.75">` +
    `<rect x="20" y="300" width="110" height="240" fill="#8d99a6"/><rect x="140" y="250" width="90" height="290" fill="#9aa4ae"/>` +
    `<rect x="900" y="280" width="110" height="260" fill="#8f9aa5"/></g>` +
    `<ellipse cx="180" cy="110" rx="90" ry="26" fill="#ffffff" opacity="0.7"/><ellipse cx="760" cy="80" rx="120" ry="30" fill="#ffffff" opacity="0.6"/>` +
    `<rect y="520" width="${WIDTH}" height="${HEIGHT - 520}" fill="url(#ground)"/>${gravel}` +
    frame.join('') +
    scaffold.join('') +
    `<rect x="360" y="528" width="420" height="14" fill="#5a4630" opacity="0.5"/>` +
    cone +
    worker +
    `</svg>`
  );
}

/** The JPEG: 1024x768, EXIF orientation 1, camera make/model and DateTimeOriginal. */
export async function renderSitePhoto(): Promise<{ jpeg: Buffer; width: number; height: number }> {
  const base = await sharp(Buffer.from(sceneSvg())).removeAlpha().blur(0.8).png().toBuffer();
  const noisy = await addNoise(sharp(base), { seed: 314, amplitude: 4, chroma: 2 });
  const jpeg = await noisy
    .jpeg({ quality: 82 })
    .withExif({
      IFD0: { Make: SITE_PHOTO_CAMERA.make, Model: SITE_PHOTO_CAMERA.model, Software: 'docintel samples' },
      IFD2: { DateTimeOriginal: SITE_PHOTO_TAKEN },
    })
    .withMetadata({ orientation: 1 })
    .toBuffer();
  return { jpeg, width: WIDTH, height: HEIGHT };
}
