import type { MeasureConfig } from '../config';
import type { LossEvaluation } from '../loss/loss';
import { diagonalBlock } from '../linalg/operator';
import type { Layout } from '../network/spec';
import type { Curvature } from '../network/curvature';
import { Rng } from '../rng';
import { measureExact, type DenseCurvature } from './exact';
import { measureMatrixFree, type MatrixFreeResult } from './matrixFree';
import { ntkSpectrum } from './ntkSpectrum';

/**
 * Where the curvature lives (`measure { layers = true }`): for each weight layer ℓ (its W and b, one
 * contiguous range of the parameter vector), the diagonal blocks H_ℓℓ, I_ℓℓ = J_ℓᵀ H_C J_ℓ and S_ℓℓ,
 * measured by the same estimators as the whole matrices (measureMatrixFree / measureExact, so every
 * rule and error bar is the one documented there):
 *
 *  - I_ℓℓ exactly from the layer's own NTK Gram Θ̂_ℓ = J_ℓ J_ℓᵀ (its nonzero spectrum with H_C is that of
 *    I_ℓℓ): moments and top eigenvalues, no sampling;
 *  - Tr(S_ℓℓ) exactly as G_ℓᵀ∇C, G_ℓ the trace of Hess f over the layer's parameters (hessianTrace.ts);
 *  - H_ℓℓ and S_ℓℓ on the block operators (linalg/operator.ts `diagonalBlock`): Lanczos for the top
 *    eigenvalues, deflated Hutchinson for the higher moments, with standard errors.
 *
 * On the exact path the blocks are the dense sub-blocks, exact like the whole matrices. Each block
 * application is one of the whole operator, so a layer costs about what the whole measurement does.
 */
export interface LayerBlocks {
  readonly layer: number;
  readonly parameters: number;
  readonly moments: MatrixFreeResult['moments'];
  readonly stderr: MatrixFreeResult['stderr'];
  readonly top: MatrixFreeResult['top'];
}

/** The settings a block is measured with: the measurement's, without what only the whole has (Figure 2, density, bottom). */
function blockSettings(settings: MeasureConfig): MeasureConfig {
  return { ...settings, orthogonality: false, density: 0, bottom: 0 };
}

function ranges(layout: Layout): { offset: number; size: number }[] {
  return layout.layers.map((l) => ({ offset: l.weightOffset, size: l.nIn * l.nOut + l.nOut }));
}

export interface MatrixFreeLayersInput {
  readonly curv: Curvature;
  readonly layout: Layout;
  readonly loss: LossEvaluation;
  /** Θ̂_ℓ per layer (network/ntkGram.ts ntkGramLayers). */
  readonly grams: readonly Float64Array[];
  /** Tr(S_ℓℓ) = G_ℓᵀ∇C per layer, with the size its rounding is relative to and the products G_ℓ took. */
  readonly traceS: readonly { readonly value: number; readonly absoluteSize: number; readonly products: number }[];
  readonly settings: MeasureConfig;
  readonly rng: Rng;
}

export function measureLayersMatrixFree(input: MatrixFreeLayersInput): { layers: LayerBlocks[]; applications: { H: number; I: number; S: number } } {
  const ops = input.curv.operators();
  const settings = blockSettings(input.settings);
  const applications = { H: 0, I: 0, S: 0 };
  const layers = ranges(input.layout).map(({ offset, size }, l) => {
    const block = {
      P: size,
      operators: () => ({ H: diagonalBlock(ops.H, offset, size), I: diagonalBlock(ops.I, offset, size), S: diagonalBlock(ops.S, offset, size) }),
    };
    const spectrum = ntkSpectrum(input.grams[l], input.loss, settings.moments, settings.top);
    const r = measureMatrixFree(block, spectrum, input.traceS[l], settings, new Rng(input.rng.nextUint32(), 'layer', l));
    applications.H += r.applications.H;
    applications.I += r.applications.I;
    applications.S += r.applications.S;
    return { layer: l, parameters: size, moments: r.moments, stderr: r.stderr, top: r.top };
  });
  return { layers, applications };
}

/** The same from the dense float64 matrices: each block the dense sub-block, measured exactly. */
export function measureLayersExact(dense: DenseCurvature, layout: Layout, settings: MeasureConfig): LayerBlocks[] {
  return ranges(layout).map(({ offset, size }, l) => {
    const sub = (A: Float64Array): Float64Array => {
      const out = new Float64Array(size * size);
      for (let i = 0; i < size; i++) out.set(A.subarray((offset + i) * dense.P + offset, (offset + i) * dense.P + offset + size), i * size);
      return out;
    };
    const r = measureExact({ P: size, loss: dense.loss, H: sub(dense.H), I: sub(dense.I), S: sub(dense.S) }, blockSettings(settings));
    return { layer: l, parameters: size, moments: r.moments, stderr: r.stderr, top: r.top };
  });
}
