// `npm run bench:ocr -- --count N`: how many of the project's captchas does an off-the-shelf
// OCR read? Draws N captchas with the server's renderer, cleans each up the way a script
// would (grey, threshold, ×3), runs Tesseract on it in several configurations and prints the
// exact solve rate of each and of "any of them". A measurement for SECURITY.md, not a test:
// it needs Debian's `tesseract-ocr` and is part of neither `npm test` nor CI.
import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { CanvasCaptchaRenderer } from '../src/captcha/canvas-renderer.js';
import { CAPTCHA_ALPHABET } from '../src/services/captcha.js';
import { randomText } from '../src/services/secrets.js';

const USAGE = `Usage: npm run bench:ocr -- [--count N] [--length L] [--jobs J] [--batch B] [--keep]

  --count N   captchas to draw (default 200)
  --length L  characters per captcha (default 4, as IMAGE_CODE_LENGTH)
  --jobs J    tesseract processes at once (default: the core count)
  --batch B   pictures per tesseract process (default 25; 1 = a process per picture)
  --keep      keep the preprocessed PNGs (their directory is printed)

Needs tesseract: apt-get install -y tesseract-ocr`;

const { values: options } = parseArgs({
  options: {
    count: { type: 'string', default: '200' },
    length: { type: 'string', default: '4' },
    jobs: { type: 'string', default: String(availableParallelism()) },
    batch: { type: 'string', default: '25' },
    keep: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}
function positiveInteger(name: string, value: string, max: number): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > max) {
    console.error(
      `--${name} must be a whole number from 1 to ${max}, not ${JSON.stringify(value)}\n\n${USAGE}`,
    );
    process.exit(2);
  }
  return parsed;
}
const COUNT = positiveInteger('count', options.count, 100_000);
const LENGTH = positiveInteger('length', options.length, 8);
const JOBS = positiveInteger('jobs', options.jobs, 64);
const BATCH = positiveInteger('batch', options.batch, 1000);

const version = spawnSync('tesseract', ['--version'], { encoding: 'utf8' });
if (version.error !== undefined || version.status !== 0) {
  console.error(
    'tesseract was not found on PATH. Install it first:\n\n' +
      '  apt-get update && apt-get install -y tesseract-ocr\n\n' +
      '(Debian/Ubuntu; it brings the English model this bench uses.)',
  );
  process.exit(1);
}
const TESSERACT_VERSION = `${version.stdout}${version.stderr}`.split('\n')[0]?.trim() ?? 'tesseract';

/** A grey picture, one byte per pixel, 0 = black. */
interface Grey {
  width: number;
  height: number;
  pixels: Uint8Array;
}

// The captcha's ink is hsl(*, 65%, 22–38%) on hsl(*, 40%, 94%): whatever the hues, ink's luma
// is at most about 146 and the background's at least about 234, so 160 keeps every stroke
// (specks, hsl(*, 40%, 55–80%), go as low as about 105: the darker ones stay).
const FIXED_THRESHOLD = 160;
const SCALE = 3;

interface Config {
  name: string;
  preprocessing: string;
  psm: 7 | 8 | 13;
  prepare(image: Grey): Grey;
}

const CONFIGS: Config[] = [
  {
    name: 'otsu-psm7',
    preprocessing: 'grey, Otsu threshold, ×3 nearest',
    psm: 7,
    prepare: (image) => scaleNearest(threshold(image, otsuLevel(image))),
  },
  {
    name: 'otsu-psm8',
    preprocessing: 'grey, Otsu threshold, ×3 nearest',
    psm: 8,
    prepare: (image) => scaleNearest(threshold(image, otsuLevel(image))),
  },
  {
    name: 'fixed-psm7',
    preprocessing: `grey, threshold at ${FIXED_THRESHOLD}, ×3 nearest`,
    psm: 7,
    prepare: (image) => scaleNearest(threshold(image, FIXED_THRESHOLD)),
  },
  {
    name: 'smooth-otsu-psm7',
    preprocessing: 'grey, ×3 bilinear, Otsu threshold',
    psm: 7,
    prepare: (image) => {
      const scaled = scaleBilinear(image);
      return threshold(scaled, otsuLevel(scaled));
    },
  },
  {
    name: 'median-otsu-psm7',
    preprocessing: 'grey, Otsu threshold, 3×3 median, ×3 nearest',
    psm: 7,
    prepare: (image) => scaleNearest(median3(threshold(image, otsuLevel(image)))),
  },
  {
    name: 'grey-psm13',
    preprocessing: 'grey, ×3 bilinear (Tesseract binarises)',
    psm: 13,
    prepare: (image) => scaleBilinear(image),
  },
];

function toGrey(rgba: Uint8ClampedArray, width: number, height: number): Grey {
  const pixels = new Uint8Array(width * height);
  for (let i = 0; i < pixels.length; i++) {
    const r = rgba[i * 4] ?? 255;
    const g = rgba[i * 4 + 1] ?? 255;
    const b = rgba[i * 4 + 2] ?? 255;
    pixels[i] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
  }
  return { width, height, pixels };
}

/** The level that best splits the histogram in two (Otsu, 1979): ink is what is at or below it. */
function otsuLevel({ pixels }: Grey): number {
  const histogram = new Array<number>(256).fill(0);
  for (const value of pixels) histogram[value] = (histogram[value] ?? 0) + 1;
  let sumAll = 0;
  for (let level = 0; level < 256; level++) sumAll += level * (histogram[level] ?? 0);
  let below = 0;
  let sumBelow = 0;
  let best = 0;
  let bestVariance = -1;
  for (let level = 0; level < 256; level++) {
    below += histogram[level] ?? 0;
    if (below === 0) continue;
    const above = pixels.length - below;
    if (above === 0) break;
    sumBelow += level * (histogram[level] ?? 0);
    const meanBelow = sumBelow / below;
    const meanAbove = (sumAll - sumBelow) / above;
    const variance = below * above * (meanBelow - meanAbove) ** 2;
    if (variance > bestVariance) {
      bestVariance = variance;
      best = level;
    }
  }
  return best;
}

function threshold(image: Grey, level: number): Grey {
  return { ...image, pixels: image.pixels.map((value) => (value <= level ? 0 : 255)) };
}

function scaleNearest({ width, height, pixels }: Grey): Grey {
  const out = new Uint8Array(width * SCALE * height * SCALE);
  for (let y = 0; y < height * SCALE; y++) {
    for (let x = 0; x < width * SCALE; x++) {
      out[y * width * SCALE + x] = pixels[Math.floor(y / SCALE) * width + Math.floor(x / SCALE)] ?? 255;
    }
  }
  return { width: width * SCALE, height: height * SCALE, pixels: out };
}

function scaleBilinear({ width, height, pixels }: Grey): Grey {
  const W = width * SCALE;
  const H = height * SCALE;
  const out = new Uint8Array(W * H);
  const at = (x: number, y: number): number =>
    pixels[Math.min(height - 1, Math.max(0, y)) * width + Math.min(width - 1, Math.max(0, x))] ?? 255;
  for (let y = 0; y < H; y++) {
    const sy = (y + 0.5) / SCALE - 0.5;
    const y0 = Math.floor(sy);
    const fy = sy - y0;
    for (let x = 0; x < W; x++) {
      const sx = (x + 0.5) / SCALE - 0.5;
      const x0 = Math.floor(sx);
      const fx = sx - x0;
      const top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx;
      const bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx;
      out[y * W + x] = Math.round(top * (1 - fy) + bottom * fy);
    }
  }
  return { width: W, height: H, pixels: out };
}

/** 3×3 median of a black-and-white picture: takes away the 2×2 specks and thins the curves. */
function median3({ width, height, pixels }: Grey): Grey {
  const out = new Uint8Array(pixels.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let dark = 0;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const nx = Math.min(width - 1, Math.max(0, x + dx));
          const ny = Math.min(height - 1, Math.max(0, y + dy));
          if ((pixels[ny * width + nx] ?? 255) === 0) dark += 1;
        }
      }
      out[y * width + x] = dark >= 5 ? 0 : 255;
    }
  }
  return { width, height, pixels: out };
}

function toPng({ width, height, pixels }: Grey): Buffer {
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  const imageData = ctx.createImageData(width, height);
  for (let i = 0; i < pixels.length; i++) {
    const value = pixels[i] ?? 255;
    imageData.data[i * 4] = value;
    imageData.data[i * 4 + 1] = value;
    imageData.data[i * 4 + 2] = value;
    imageData.data[i * 4 + 3] = 255;
  }
  ctx.putImageData(imageData, 0, 0);
  return canvas.encodeSync('png');
}

/**
 * Reads a batch of pictures in one tesseract process (loading the model costs more than
 * reading one picture); returns what it read in each, in order. The TSV output numbers its
 * pages, so a picture in which nothing was read still has its place. The LSTM engine does
 * not learn from one page to the next: a picture is read alike alone or in a batch.
 */
function runTesseract(files: string[], psm: number, listFile: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'tesseract',
      [
        listFile,
        'stdout',
        '-l',
        'eng',
        '--psm',
        String(psm),
        '-c',
        `tessedit_char_whitelist=${CAPTCHA_ALPHABET}`,
        'tsv',
      ],
      // One thread per process: the parallelism is ours, bounded to the cores.
      { env: { ...process.env, OMP_THREAD_LIMIT: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`tesseract ${listFile} exited with ${code}: ${stderr.trim()}`));
        return;
      }
      const pages = new Map<number, string>();
      for (const line of stdout.split('\n').slice(1)) {
        const columns = line.split('\t');
        const [level, page] = [Number(columns[0]), Number(columns[1])];
        if (level === 1) pages.set(page, pages.get(page) ?? '');
        if (level === 5) pages.set(page, (pages.get(page) ?? '') + (columns[11] ?? ''));
      }
      const readings = files.map((_, i) => pages.get(i + 1));
      if (pages.size !== files.length || readings.includes(undefined)) {
        reject(new Error(`tesseract read ${pages.size} pages of ${files.length} in ${listFile}`));
      } else resolve(readings.map((reading) => reading ?? ''));
    });
  });
}

/** As the server compares: case-insensitively; spaces Tesseract puts between characters do not count. */
const normalise = (text: string): string => text.replace(/\s+/g, '').toUpperCase();

/** 95% Wilson score interval of a proportion, in percent. */
function wilson(successes: number, total: number): [number, number] {
  const z = 1.96;
  const p = successes / total;
  const centre = (p + (z * z) / (2 * total)) / (1 + (z * z) / total);
  const half = (z / (1 + (z * z) / total)) * Math.sqrt((p * (1 - p)) / total + (z * z) / (4 * total * total));
  return [Math.max(0, centre - half) * 100, Math.min(1, centre + half) * 100];
}

const percent = (value: number): string => `${value.toFixed(1)}%`;

const started = performance.now();
const directory = await mkdtemp(path.join(tmpdir(), 'captcha-ocr-'));
// Removed however the run ends (a tesseract failure included), unless asked to keep it.
process.on('exit', () => {
  if (!options.keep) rmSync(directory, { recursive: true, force: true });
});
const renderer = new CanvasCaptchaRenderer();
const texts: string[] = [];
const pictures: { config: Config; index: number; file: string }[] = [];
for (let index = 0; index < COUNT; index++) {
  const text = randomText(CAPTCHA_ALPHABET, LENGTH);
  texts.push(text);
  const jpeg = (await renderer.render(text)).bytes();
  const decoded = await loadImage(jpeg);
  const canvas = createCanvas(decoded.width, decoded.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(decoded, 0, 0);
  const grey = toGrey(
    ctx.getImageData(0, 0, decoded.width, decoded.height).data,
    decoded.width,
    decoded.height,
  );
  for (const config of CONFIGS) {
    const file = path.join(directory, `${String(index).padStart(5, '0')}-${config.name}.png`);
    await writeFile(file, toPng(config.prepare(grey)));
    pictures.push({ config, index, file });
  }
}
const drawnMs = performance.now() - started;

const solved = new Map<string, Set<number>>(CONFIGS.map((config) => [config.name, new Set<number>()]));
const charactersRight = new Map<string, number>(CONFIGS.map((config) => [config.name, 0]));
const batches: { config: Config; pictures: typeof pictures }[] = [];
for (const config of CONFIGS) {
  const ofConfig = pictures.filter((picture) => picture.config === config);
  for (let start = 0; start < ofConfig.length; start += BATCH) {
    batches.push({ config, pictures: ofConfig.slice(start, start + BATCH) });
  }
}
let next = 0;
let done = 0;
async function worker(): Promise<void> {
  while (next < batches.length) {
    const batchNumber = next++;
    const batch = batches[batchNumber];
    if (batch === undefined) break;
    const files = batch.pictures.map((picture) => picture.file);
    const listFile = path.join(directory, `batch-${batchNumber}.txt`);
    await writeFile(listFile, `${files.join('\n')}\n`);
    const readings = await runTesseract(files, batch.config.psm, listFile);
    batch.pictures.forEach((picture, i) => {
      const expected = texts[picture.index] ?? '';
      const read = normalise(readings[i] ?? '');
      if (read === expected) solved.get(batch.config.name)?.add(picture.index);
      let right = 0;
      for (let c = 0; c < expected.length; c++) if (read[c] === expected[c]) right += 1;
      charactersRight.set(batch.config.name, (charactersRight.get(batch.config.name) ?? 0) + right);
    });
    done += files.length;
    if (process.stderr.isTTY) process.stderr.write(`\r${done}/${pictures.length} recognitions`);
  }
}
await Promise.all(Array.from({ length: Math.min(JOBS, batches.length) }, worker));
if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
const totalMs = performance.now() - started;

const anySolved = new Set<number>();
for (const indexes of solved.values()) for (const index of indexes) anySolved.add(index);

console.log('The image captcha against Tesseract OCR');
console.log(
  `captchas: ${COUNT}, ${LENGTH} characters each from CAPTCHA_ALPHABET (${CAPTCHA_ALPHABET.length}: ${CAPTCHA_ALPHABET}),`,
);
console.log(
  '  drawn by CanvasCaptchaRenderer (shown at 120×44, drawn at 240×88, JPEG quality 70), decoded with @napi-rs/canvas',
);
console.log(
  `ocr: ${TESSERACT_VERSION}, -l eng, whitelist = the alphabet, ${JOBS} processes at once, ${BATCH} pictures each; answer compared case-insensitively, spaces removed`,
);
console.log('');
const rows = [
  ['configuration', 'preprocessing', 'psm', 'solved', 'exact', '95% interval', 'characters'],
  ...CONFIGS.map((config) => {
    const count = solved.get(config.name)?.size ?? 0;
    const [low, high] = wilson(count, COUNT);
    return [
      config.name,
      config.preprocessing,
      String(config.psm),
      `${count}/${COUNT}`,
      percent((count / COUNT) * 100),
      `${percent(low)}–${percent(high)}`,
      percent(((charactersRight.get(config.name) ?? 0) / (COUNT * LENGTH)) * 100),
    ];
  }),
  (() => {
    const [low, high] = wilson(anySolved.size, COUNT);
    return [
      'any',
      'solved by any configuration above',
      '',
      `${anySolved.size}/${COUNT}`,
      percent((anySolved.size / COUNT) * 100),
      `${percent(low)}–${percent(high)}`,
      '',
    ];
  })(),
];
const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
for (const row of rows)
  console.log(
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd(),
  );
console.log('');
console.log('exact = every character right; characters = characters right in their place');
console.log(
  `duration: ${(totalMs / 1000).toFixed(1)} s (${(drawnMs / 1000).toFixed(1)} s drawing and preprocessing, ` +
    `${pictures.length} recognitions in ${batches.length} tesseract processes); thresholds: Otsu per image, fixed at ${FIXED_THRESHOLD}`,
);

if (options.keep) console.log(`PNGs kept in ${directory}`);
