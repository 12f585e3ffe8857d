/**
 * A trial that stops for a reason a person can act on (it diverged, its values overflowed): the
 * engine reports it as a `failed` message with the step, without a stack trace. Any other error out of
 * a trial is a bug of the engine.
 */
export class TrialError extends Error {
  constructor(
    message: string,
    readonly step: number,
  ) {
    super(message);
    this.name = 'TrialError';
  }
}
