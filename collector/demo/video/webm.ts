/**
 * A minimal WebM (Matroska) muxer for one VP8 video track: enough to package frames
 * encoded by the browser's WebCodecs into a file every browser plays, with its duration.
 */
export interface EncodedFrame {
  /** Microseconds from the start. */
  timestamp: number;
  key: boolean;
  data: Uint8Array;
}

const concat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** An element size as an 8-byte EBML variable-length integer. */
function size(n: number) {
  const out = new Uint8Array(8);
  out[0] = 0x01;
  for (let i = 7, v = n; i > 0; i--, v = Math.floor(v / 256)) out[i] = v % 256;
  return out;
}

function uint(n: number) {
  const bytes: number[] = [];
  for (let v = n; v > 0 || bytes.length === 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Uint8Array.from(bytes);
}

function float(n: number) {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setFloat64(0, n);
  return out;
}

const text = (s: string) => new TextEncoder().encode(s);
const el = (id: number[], ...payload: Uint8Array[]) => {
  const body = concat(payload);
  return concat([Uint8Array.from(id), size(body.length), body]);
};

function simpleBlock(frame: EncodedFrame, clusterMs: number) {
  const relative = Math.round(frame.timestamp / 1000) - clusterMs;
  const header = new Uint8Array(4);
  header[0] = 0x81; // track 1
  new DataView(header.buffer).setInt16(1, relative);
  header[3] = frame.key ? 0x80 : 0x00;
  return el([0xa3], header, frame.data);
}

/** Packs VP8 frames into WebM bytes; a new cluster starts at every key frame. */
export function muxWebm(opts: {
  width: number;
  height: number;
  durationMs: number;
  frames: EncodedFrame[];
}): Uint8Array {
  const header = el(
    [0x1a, 0x45, 0xdf, 0xa3],
    el([0x42, 0x86], uint(1)),
    el([0x42, 0xf7], uint(1)),
    el([0x42, 0xf2], uint(4)),
    el([0x42, 0xf3], uint(8)),
    el([0x42, 0x82], text('webm')),
    el([0x42, 0x87], uint(2)),
    el([0x42, 0x85], uint(2)),
  );
  const info = el(
    [0x15, 0x49, 0xa9, 0x66],
    el([0x2a, 0xd7, 0xb1], uint(1_000_000)),
    el([0x44, 0x89], float(opts.durationMs)),
    el([0x4d, 0x80], text('segmently')),
    el([0x57, 0x41], text('segmently')),
  );
  const tracks = el(
    [0x16, 0x54, 0xae, 0x6b],
    el(
      [0xae],
      el([0xd7], uint(1)),
      el([0x73, 0xc5], uint(1)),
      el([0x83], uint(1)),
      el([0x9c], uint(0)),
      el([0x86], text('V_VP8')),
      el([0xe0], el([0xb0], uint(opts.width)), el([0xba], uint(opts.height))),
    ),
  );
  const clusters: Uint8Array[] = [];
  let blocks: Uint8Array[] = [];
  let clusterMs = 0;
  const flush = () => {
    if (blocks.length)
      clusters.push(el([0x1f, 0x43, 0xb6, 0x75], el([0xe7], uint(clusterMs)), ...blocks));
    blocks = [];
  };
  for (const frame of opts.frames) {
    if (frame.key) {
      flush();
      clusterMs = Math.round(frame.timestamp / 1000);
    }
    blocks.push(simpleBlock(frame, clusterMs));
  }
  flush();
  return concat([header, el([0x18, 0x53, 0x80, 0x67], info, tracks, ...clusters)]);
}
