import type { Direction, SurfaceConfig } from '../config';
import { evaluateLoss } from '../loss/loss';
import type { SampleLoss } from '../../catalogue/losses';
import { lanczosEigs } from '../linalg/lanczos';
import { dot, matvec, norm, type Vector } from '../linalg/operator';
import { Curvature } from '../network/curvature';
import { ntkGram } from '../network/ntkGram';
import type { TfNetwork } from '../network/tfNetwork';
import type { SurfaceRecord } from '../../contracts/engineMessages';
import type { Written } from '../../contracts/checks';
import { Rng } from '../rng';
import { ntkSpectrum } from './ntkSpectrum';

/**
 * The loss on a grid in the plane through the current parameters θ spanned by two unit directions
 * (the paper's Figure 3): L(θ + a d1 + b d2) for a, b in [−radius, radius]. Eigenvectors of I come
 * exactly from Θ̂; those of H and S from Lanczos. The second direction is orthogonalized against the
 * first, so the plane is the one named and distances are parameter-space distances. The record also
 * carries dᵢᵀ H dᵢ, the curvature of the loss along each direction at the centre.
 */
export function lossSurface(args: {
  net: TfNetwork;
  targets: Float64Array;
  loss: SampleLoss;
  surface: SurfaceConfig;
  trial: number;
  step: number;
  rng: Rng;
}): Written<SurfaceRecord> {
  const { net, targets, surface } = args;
  const N = net.N;
  const nL = net.layout.outputDim;
  const lossAt = (Y: Float64Array): number => evaluateLoss(args.loss, Y, targets, N, nL).value;
  const center = lossAt(net.outputs());
  const ev = evaluateLoss(args.loss, net.outputs(), targets, N, nL);
  const curv = new Curvature(net, ev);
  try {
    const d1 = unit(direction(surface.directions[0], curv, args.rng));
    const d2raw = direction(surface.directions[1], curv, args.rng);
    // Gram–Schmidt against d1 (in float64, then back to float32 storage).
    const c = dot(d1, d2raw);
    const d2 = unit(d2raw.map((x, i) => x - c * d1[i]) as Vector);
    const theta = net.parameterVector();
    const g = surface.grid;
    const axis = Array.from({ length: g }, (_, i) => (g === 1 ? 0 : -surface.radius + (2 * surface.radius * i) / (g - 1)));
    const point = new Float32Array(theta.length);
    const values: number[][] = [];
    for (let j = 0; j < g; j++) {
      const row: number[] = [];
      for (let i = 0; i < g; i++) {
        const a = axis[i];
        const b = axis[j];
        for (let p = 0; p < theta.length; p++) point[p] = theta[p] + a * d1[p] + b * d2[p];
        row.push(axis[i] === 0 && axis[j] === 0 ? center : lossAt(net.outputsAt(point)));
      }
      values.push(row);
    }
    const H = curv.operators().H;
    const curvature: [number, number] = [dot(d1, matvec(H, d1)), dot(d2, matvec(H, d2))];
    return {
      type: 'surface',
      trial: args.trial,
      step: args.step,
      directions: [name(surface.directions[0]), name(surface.directions[1])],
      x: axis,
      y: axis,
      loss: values,
      curvature,
    };
  } finally {
    curv.dispose();
  }
}

export function name(d: Direction): string {
  return d.kind === 'random' ? 'random' : `${d.kind}${d.index}`;
}

function unit(v: Vector): Float32Array {
  const n = norm(v);
  if (!(n > 0)) throw new Error('surface: a direction vector is zero');
  return Float32Array.from(v, (x) => x / n);
}

function direction(d: Direction, curv: Curvature, rng: Rng): Vector {
  if (d.kind === 'random') return new Rng(rng.nextUint32(), 'surface-direction').fillNormal(new Float32Array(curv.P));
  if (d.kind === 'I') {
    const spectrum = ntkSpectrum(ntkGram(curv.net), curv.loss, 1, d.index);
    if (spectrum.iEigenvectorSeeds.length < d.index) {
      throw new Error(`surface: I has only ${spectrum.iEigenvectorSeeds.length} nonzero eigenvalues, so I${d.index} does not exist; choose I1…I${spectrum.iEigenvectorSeeds.length}`);
    }
    return curv.vjp(spectrum.iEigenvectorSeeds[d.index - 1]);
  }
  const op = d.kind === 'H' ? curv.operators().H : curv.operators().S;
  const eig = lanczosEigs(op, { k: d.index, which: 'largest', tol: 1e-4, rng: new Rng(rng.nextUint32(), 'surface-lanczos') });
  return (eig.eigenvectors as Vector[])[d.index - 1];
}
