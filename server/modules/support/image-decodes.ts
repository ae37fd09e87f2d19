import { availableParallelism } from 'node:os';

import type Sharp from 'sharp';

import { AppError } from '../../../common/errors.js';

let loaded: Promise<typeof Sharp> | null = null;
/**
 * sharp (libvips) is loaded on the first image, not at start: it is the heaviest module of the server
 * and most processes (RADIUS, jobs, most requests) never decode an image.
 */
export function loadSharp(): Promise<typeof Sharp> {
  loaded ??= import('sharp').then(({ default: sharp }) => {
    // One libvips thread per image and no operation cache: with one decode per core (below), image work
    // uses at most every core once, and a 60-megapixel photo's pixels are freed when its decode ends.
    sharp.concurrency(1);
    sharp.cache(false);
    return sharp;
  });
  return loaded;
}

/**
 * At most `size` tasks at once; up to `maxWaiting` more wait their turn in order, and any beyond that
 * are refused at once (503 uploads_busy) instead of piling up memory (issue 26).
 */
export class Slots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** The most tasks seen running at once (for tests and metrics). */
  peak = 0;

  constructor(
    readonly size: number,
    readonly maxWaiting: number,
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.size) {
      if (this.waiting.length >= this.maxWaiting) throw new AppError('uploads_busy');
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    this.peak = Math.max(this.peak, this.running);
    try {
      return await task();
    } finally {
      // The slot passes straight to the next in line, or frees up.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

/** Uploaded images are decoded and re-encoded one at a time per core of this process. */
export const imageDecodes = new Slots(availableParallelism(), 4 * availableParallelism());
