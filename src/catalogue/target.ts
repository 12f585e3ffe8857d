/** A target expression of the data: its text (for records and hover) and its float64 evaluator. */
export interface TargetFunction {
  readonly text: string;
  /** Called with the named variables of the source (`x1`, `x2`, … or `gamma`). */
  readonly evaluate: (vars: Readonly<Record<string, number>>) => number;
}
