export { dot, matmul, matmulTransA, matmulTransB, transpose } from './matmul';
export { applyQToRows, householderQr, norm2, qrThin } from './qr';
export type { HouseholderQr } from './qr';
export { createRng, fillGaussian } from './rng';
export type { Rng } from './rng';
export { svd } from './svd';
export type { Svd } from './svd';
export type { RealArray } from './types';
