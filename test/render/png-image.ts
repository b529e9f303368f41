import { deflateSync, inflateSync } from 'node:zlib';

/** A decoded PNG as 8-bit RGBA rows. */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  /** width × height × 4 bytes, row by row. */
  readonly rgba: Uint8Array;
}

const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const channelsByColourType: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

/** Whether `bytes` start with the PNG signature. */
export function hasPngSignature(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(0, 8)).equals(signature);
}

/**
 * Decodes a non-interlaced 8-bit PNG (gray, gray+alpha, RGB or RGBA: what Chromium and resvg
 * write) into RGBA. Throws on anything else, so a test never passes on a misread image.
 */
export function decodePng(bytes: Uint8Array): RgbaImage {
  if (!hasPngSignature(bytes)) throw new Error('not a PNG: signature missing');
  const buffer = Buffer.from(bytes);
  const idat: Buffer[] = [];
  let header: { width: number; height: number; bitDepth: number; colourType: number; interlace: number } | undefined;

  for (let offset = 8; offset < buffer.length; ) {
    const length = buffer.readUInt32BE(offset);
    const type = buffer.toString('latin1', offset + 4, offset + 8);
    const data = buffer.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      header = { width: data.readUInt32BE(0), height: data.readUInt32BE(4), bitDepth: data[8]!, colourType: data[9]!, interlace: data[12]! };
    }
    if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }

  const channels = header === undefined ? undefined : channelsByColourType[header.colourType];
  if (header === undefined || channels === undefined || header.bitDepth !== 8 || header.interlace !== 0) {
    throw new Error(`unsupported PNG layout: ${JSON.stringify(header)}`);
  }
  const raw = unfilter(inflateSync(Buffer.concat(idat)), header.width, header.height, channels);
  return { width: header.width, height: header.height, rgba: toRgba(raw, channels) };
}

function unfilter(data: Buffer, width: number, height: number, channels: number): Uint8Array {
  const stride = width * channels;
  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y += 1) {
    const filter = data[y * (stride + 1)]!;
    const row = data.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x += 1) {
      const left = x >= channels ? out[y * stride + x - channels]! : 0;
      const up = y > 0 ? out[(y - 1) * stride + x]! : 0;
      const upLeft = y > 0 && x >= channels ? out[(y - 1) * stride + x - channels]! : 0;
      out[y * stride + x] = (row[x]! + predict(filter, left, up, upLeft)) & 0xff;
    }
  }
  return out;
}

function predict(filter: number, left: number, up: number, upLeft: number): number {
  if (filter === 0) return 0;
  if (filter === 1) return left;
  if (filter === 2) return up;
  if (filter === 3) return (left + up) >> 1;
  if (filter !== 4) throw new Error(`unknown PNG filter ${filter}`);
  const estimate = left + up - upLeft;
  const [dLeft, dUp, dUpLeft] = [Math.abs(estimate - left), Math.abs(estimate - up), Math.abs(estimate - upLeft)];
  if (dLeft <= dUp && dLeft <= dUpLeft) return left;
  return dUp <= dUpLeft ? up : upLeft;
}

function toRgba(raw: Uint8Array, channels: number): Uint8Array {
  const pixelCount = raw.length / channels;
  const rgba = new Uint8Array(pixelCount * 4);
  for (let i = 0; i < pixelCount; i += 1) {
    const source = raw.subarray(i * channels, (i + 1) * channels);
    const isGray = channels <= 2;
    rgba[i * 4] = source[0]!;
    rgba[i * 4 + 1] = isGray ? source[0]! : source[1]!;
    rgba[i * 4 + 2] = isGray ? source[0]! : source[2]!;
    rgba[i * 4 + 3] = channels === 2 ? source[1]! : channels === 4 ? source[3]! : 255;
  }
  return rgba;
}

/** How many pixels are within `tolerance` (per channel) of the colour `#rrggbb`. */
export function countColour(image: RgbaImage, hex: string, tolerance = 6): number {
  const [r, g, b] = [1, 3, 5].map((start) => Number.parseInt(hex.slice(start, start + 2), 16)) as [number, number, number];
  let count = 0;
  for (let i = 0; i < image.rgba.length; i += 4) {
    const isNear =
      Math.abs(image.rgba[i]! - r) <= tolerance &&
      Math.abs(image.rgba[i + 1]! - g) <= tolerance &&
      Math.abs(image.rgba[i + 2]! - b) <= tolerance;
    if (isNear) count += 1;
  }
  return count;
}

/** Share of pixels that are not (near) white: 0 for a blank picture. */
export function inkShare(image: RgbaImage): number {
  let ink = 0;
  for (let i = 0; i < image.rgba.length; i += 4) {
    if (image.rgba[i]! < 240 || image.rgba[i + 1]! < 240 || image.rgba[i + 2]! < 240) ink += 1;
  }
  return ink / (image.width * image.height);
}

/** A rectangle of `image` as a new RGBA PNG, for looking closely at part of a large picture. */
export function cropToPng(image: RgbaImage, x: number, y: number, width: number, height: number): Buffer {
  const rows: Buffer[] = [];
  for (let row = y; row < Math.min(image.height, y + height); row += 1) {
    const start = (row * image.width + x) * 4;
    rows.push(Buffer.concat([Buffer.from([0]), Buffer.from(image.rgba.subarray(start, start + Math.min(width, image.width - x) * 4))]));
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(Math.min(width, image.width - x), 0);
  header.writeUInt32BE(rows.length, 4);
  header.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
