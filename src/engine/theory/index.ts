/**
 * The infinite-width theory of Jacot, Gabriel & Hongler (ICLR 2020), THEORY.md §5–6: kernels of a
 * data set and the predicted moments of the Hessian through training. Float64 typed arrays in,
 * plain objects out; no TensorFlow.js, no I/O.
 */
export { infiniteWidthKernels, type InfiniteWidthKernels, type KernelOptions } from './kernels';
export { layerKernels, layerTraces } from './layerKernels';
export { firstLayer, nextLayer, sigmaStep, thetaStep, upsilonStep, phiStep, xiStep, lambdaStep, type LayerKernels } from './kernelSteps';
export { momentMatrices, type MomentMatrices } from './momentMatrices';
export { gaussianPairMoments, gaussianDiagonalMoments, pairExpectation, convergedDegree, momentIndex, type PairMoments } from './gaussianPair';
export { reluSigma, reluSigmaDot, reluPairMoments } from './arcCosine';
export { thetaSpectrum, propagatorFactors, type ThetaSpectrum, type DynamicsMode } from './thetaSpectrum';
export { mseSetup, msePathwisePrediction, mseTraceI, type MseSetup, type MsePathInput, type MsePathPrediction } from './msePathwise';
export { mseExpectedPrediction, type MseExpectedInput, type MseExpectedPrediction } from './mseExpected';
export { lossPathwisePrediction, type LossPathInput, type LossPathPrediction } from './lossPathwise';
export { lossGramMoments, outputQuadratic } from './lossMoments';
export { meanFieldLimits, meanFieldPrediction, type MeanFieldLimits, type MeanFieldPrediction } from './meanField';
export { initialDistribution, type InitialDistribution } from './initialDistribution';
export { experimentTheoryRequest, theoryLines, type TheoryLines, type TheoryLinesRequest, type MomentLines } from './theoryLines';
export type { MomentSeries, PredictionSchedule, TrialStart } from './momentSeries';
